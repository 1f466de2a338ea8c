import Foundation
import TroveJSON
import TroveStorage

/// Adds inverted-index and numeric-column sections to every new segment of collections
/// with a text schema.
public struct TextSegmentExtension: SegmentExtension {
    public var name: String { "trove.text" }
    public let schema: @Sendable (String, [UInt8]) -> TextSchema

    public init(schema: @escaping @Sendable (String, [UInt8]) -> TextSchema) { self.schema = schema }

    public func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)? {
        let s = schema(collection, metadata)
        // Flushes and merges run on the store's own threads: they may use every core.
        return s.isEmpty ? nil : TextSectionBuilder(schema: s, lanes: min(4, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// Merges the sources' text sections when they allow it, instead of analysing every
    /// document again.
    public func makeMergeBuilder(collection: String, metadata: [UInt8], sources: [MergeSource]) -> (any SegmentSectionBuilder)? {
        let s = schema(collection, metadata)
        if !s.isEmpty, let merger = TextSectionMerger(schema: s, sources: sources) { return merger }
        return makeBuilder(collection: collection, metadata: metadata)
    }
}

/// Inverts each text field as documents arrive in ordinal order, then writes per field:
/// `XHnn` header, `XTnn` term dictionary, `XPnn` postings, `XSnn` positions (when kept),
/// `XNnn` one-byte field lengths; and `NCnn` per numeric field.
final class TextSectionBuilder: SegmentSectionBuilder {
    /// One field of the segment being built: its terms, and every occurrence in arrival
    /// order (term id, doc, position), grouped by term only when the segment is written.
    fileprivate struct FieldState {
        var terms = TermTable()
        var occurrenceTerms: [UInt32] = []
        var occurrenceDocs: [UInt32] = []
        var occurrencePositions: [UInt32] = []
        var norms: [UInt8] = []
        var totalTokens = 0
        var docsWithField = 0
    }

    private let schema: TextSchema
    private var fields: [FieldState]
    private var columns: NumericColumnsBuilder
    private var docCount = 0
    /// Documents added but not yet analysed.
    private var batch: TextAnalysisBatch

    private let lanes: Int

    /// `lanes` threads analyse each batch. Keep 1 on Swift's cooperative threads (query
    /// time): `concurrentPerform` there waits for helpers queued behind the very threads
    /// it blocks, and under load the whole pool stalls.
    init(schema full: TextSchema, lanes: Int = 1) {
        let schema = full.slotted
        self.schema = schema
        self.lanes = lanes
        batch = TextAnalysisBatch(specs: schema.text, firstOrdinal: 0, lanes: lanes)
        fields = Array(repeating: FieldState(), count: schema.text.count)
        columns = NumericColumnsBuilder(specs: schema.numeric)
    }

    func add(ordinal: Int, document: Document) throws {
        if ordinal != batch.firstOrdinal + batch.count {
            // Ordinals arrive in order; a gap (never made by the segment writer) starts a
            // new batch so each document keeps its own ordinal.
            foldBatch()
            batch = TextAnalysisBatch(specs: schema.text, firstOrdinal: ordinal, lanes: lanes)
        }
        docCount = ordinal + 1
        batch.append(schema.text.map { TextValue.text(of: document[$0.field]) })
        if batch.isFull { foldBatch() }
        columns.add(ordinal: ordinal, document: document)
    }

    /// Analyses the held documents and adds their terms to the fields, in document order.
    private func foldBatch() {
        guard batch.count > 0 else { return }
        let first = batch.firstOrdinal
        for (slot, shares) in batch.analyse().enumerated() {
            var f = FieldState()
            swap(&f, &fields[slot])
            f.norms.append(contentsOf: repeatElement(0, count: max(0, first + batch.count - f.norms.count)))
            var ordinal = first
            for share in shares {
                var ids = [UInt32](repeating: 0, count: share.terms.count)
                for id in ids.indices {
                    ids[id] = share.terms.bytes(of: id).withUnsafeBufferPointer { UInt32(f.terms.intern($0)) }
                }
                f.occurrenceTerms.reserveCapacity(f.occurrenceTerms.count + share.occurrenceTerms.count)
                for t in share.occurrenceTerms { f.occurrenceTerms.append(ids[Int(t)]) }
                f.occurrenceDocs.append(contentsOf: share.occurrenceDocs)
                f.occurrencePositions.append(contentsOf: share.occurrencePositions)
                for n in share.tokenCounts {
                    if n >= 0 {
                        f.norms[ordinal] = FieldNorms.encode(n)
                        f.totalTokens += n
                    }
                    ordinal += 1
                }
                f.docsWithField += share.documentsWithField
            }
            swap(&f, &fields[slot])
        }
        batch = TextAnalysisBatch(specs: schema.text, firstOrdinal: first + batch.count, lanes: lanes)
    }

    func finish() throws -> [(tag: SectionTag, bytes: [UInt8])] {
        foldBatch()
        var out: [(tag: SectionTag, bytes: [UInt8])] = []
        for (slot, spec) in schema.text.enumerated() { out += sections(slot: slot, spec: spec) }
        return out + columns.sections(docCount: docCount)
    }

    private func sections(slot: Int, spec: TextFieldSpec) -> [(tag: SectionTag, bytes: [UInt8])] {
        let f = fields[slot]
        var out = TextFieldSections(docCount: docCount, docsWithField: f.docsWithField, totalTokens: f.totalTokens, norms: f.norms)
        out.norms.append(contentsOf: repeatElement(0, count: docCount - out.norms.count))
        out.entries.reserveCapacity(f.terms.count)
        let grouped = Self.groupByTerm(f, positions: spec.positions)
        var docs: [UInt32] = [], tfs: [UInt32] = []
        var w = ByteWriter()
        for id in Self.sortedTermIDs(f.terms) {
            let range = grouped.starts[id]..<grouped.starts[id + 1]
            docs.removeAll(keepingCapacity: true)
            tfs.removeAll(keepingCapacity: true)
            for i in range {
                if docs.last == grouped.docs[i] { tfs[tfs.count - 1] += 1 } else { docs.append(grouped.docs[i]); tfs.append(1) }
            }
            var positions: [UInt8]?
            if spec.positions {
                w = ByteWriter()
                var previous: UInt32 = 0
                for i in range {
                    if i == range.lowerBound || grouped.docs[i] != grouped.docs[i - 1] { previous = 0 }
                    w.varint(UInt64(grouped.positions[i] - previous))
                    previous = grouped.positions[i]
                }
                positions = w.bytes
            }
            out.addTerm(Array(f.terms.bytes(of: id)), docs: docs, tfs: tfs, positions: positions)
        }
        return out.sections(slot: slot, spec: spec)
    }
}

extension TextSectionBuilder {
    /// A field's occurrences regrouped by term (a stable counting sort, so each term's
    /// docs and positions stay in arrival order): term `t` owns `starts[t]..<starts[t+1]`.
    fileprivate static func groupByTerm(_ f: FieldState, positions: Bool) -> (starts: [Int], docs: [UInt32], positions: [UInt32]) {
        var starts = [Int](repeating: 0, count: f.terms.count + 1)
        for t in f.occurrenceTerms { starts[Int(t) + 1] += 1 }
        for t in 0..<f.terms.count { starts[t + 1] += starts[t] }
        var next = starts
        var docs = [UInt32](repeating: 0, count: f.occurrenceTerms.count)
        var pos = [UInt32](repeating: 0, count: positions ? f.occurrenceTerms.count : 0)
        for (i, t) in f.occurrenceTerms.enumerated() {
            let at = next[Int(t)]
            next[Int(t)] = at + 1
            docs[at] = f.occurrenceDocs[i]
            if positions { pos[at] = f.occurrencePositions[i] }
        }
        return (starts, docs, pos)
    }

    /// Term ids in the byte order of their terms (the dictionary's order).
    fileprivate static func sortedTermIDs(_ terms: TermTable) -> [Int] {
        var starts: [Int] = []
        starts.reserveCapacity(terms.count + 1)
        for id in 0..<terms.count { starts.append(terms.bytes(of: id).startIndex) }
        starts.append(terms.arena.count)
        return terms.arena.withUnsafeBufferPointer { arena in
            (0..<terms.count).sorted { x, y in
                let a = UnsafeBufferPointer(rebasing: arena[starts[x]..<starts[x + 1]])
                let b = UnsafeBufferPointer(rebasing: arena[starts[y]..<starts[y + 1]])
                return a.lexicographicallyPrecedes(b)
            }
        }
    }
}

/// The text a field holds: strings as they are; JSON payloads contribute their strings.
enum TextValue {
    /// Whether `text(of:)` is non-nil, without joining a payload's strings.
    static func isPresent(_ value: FieldValue?) -> Bool {
        switch value {
        case .string?, .json?: return true
        default: return false
        }
    }

    static func text(of value: FieldValue?) -> String? {
        switch value {
        case let .string(s)?: return s
        case let .json(j)?: return strings(in: j).joined(separator: " ")
        default: return nil
        }
    }

    private static func strings(in j: JSONValue) -> [String] {
        switch j {
        case let .string(s): return [s]
        case let .array(a): return a.flatMap(strings)
        case let .object(m): return m.flatMap { strings(in: $0.value) }
        default: return []
        }
    }
}
