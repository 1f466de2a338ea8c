import TroveStorage

/// Adds inverted-index and numeric-column sections to every new segment of collections
/// with a text schema.
public struct TextSegmentExtension: SegmentExtension {
    public let schema: @Sendable (String, [UInt8]) -> TextSchema

    public init(schema: @escaping @Sendable (String, [UInt8]) -> TextSchema) { self.schema = schema }

    public func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)? {
        let s = schema(collection, metadata)
        return s.isEmpty ? nil : TextSectionBuilder(schema: s)
    }
}

/// Inverts each text field as documents arrive in ordinal order, then writes per field:
/// `XHnn` header, `XTnn` term dictionary, `XPnn` postings, `XSnn` positions (when kept),
/// `XNnn` one-byte field lengths; and `NCnn` per numeric field.
final class TextSectionBuilder: SegmentSectionBuilder {
    private struct TermPostings {
        var docs: [UInt32] = []
        var tfs: [UInt32] = []
        var positions: [UInt32] = []
    }

    private struct FieldState {
        var terms: [String: Int] = [:]
        var postings: [TermPostings] = []
        var norms: [UInt8] = []
        var totalTokens = 0
        var docsWithField = 0
    }

    private let schema: TextSchema
    private var fields: [FieldState]
    private var columns: [[Int64?]]
    private var columnKinds: [NumericColumn.Kind]
    private var docCount = 0

    init(schema: TextSchema) {
        self.schema = schema
        fields = Array(repeating: FieldState(), count: schema.text.count)
        columns = Array(repeating: [], count: schema.numeric.count)
        columnKinds = Array(repeating: .int64, count: schema.numeric.count)
    }

    func add(ordinal: Int, document: Document) throws {
        docCount = ordinal + 1
        for (slot, spec) in schema.text.enumerated() {
            fields[slot].norms.append(0)
            guard let text = TextValue.text(of: document[spec.field]) else { continue }
            let tokens = spec.analyzer.tokens(text)
            fields[slot].norms[ordinal] = FieldNorms.encode(tokens.count)
            fields[slot].totalTokens += tokens.count
            fields[slot].docsWithField += 1
            invert(tokens, ordinal: ordinal, into: &fields[slot], positions: spec.positions)
        }
        for (slot, spec) in schema.numeric.enumerated() {
            let v = NumericFieldSpec.columnValue(document[spec.field])
            if let (_, kind) = v { columnKinds[slot] = kind }
            columns[slot].append(v?.0)
        }
    }

    private func invert(_ tokens: [Token], ordinal: Int, into f: inout FieldState, positions: Bool) {
        let doc = UInt32(ordinal)
        for t in tokens {
            let index: Int
            if let i = f.terms[t.term] { index = i } else {
                index = f.postings.count
                f.terms[t.term] = index
                f.postings.append(TermPostings())
            }
            // Documents arrive in ordinal order: the term's last doc tells if it is new here.
            if f.postings[index].docs.last != doc {
                f.postings[index].docs.append(doc)
                f.postings[index].tfs.append(0)
            }
            f.postings[index].tfs[f.postings[index].tfs.count - 1] += 1
            if positions { f.postings[index].positions.append(UInt32(t.position)) }
        }
    }

    func finish() throws -> [(tag: SectionTag, bytes: [UInt8])] {
        var out: [(tag: SectionTag, bytes: [UInt8])] = []
        for (slot, spec) in schema.text.enumerated() { out += sections(slot: slot, spec: spec) }
        for (slot, _) in schema.numeric.enumerated() {
            var values = columns[slot]
            values.append(contentsOf: repeatElement(nil, count: docCount - values.count))
            out.append((TextSections.tag("NC", slot), NumericColumn.encode(kind: columnKinds[slot], values: values)))
        }
        return out
    }

    private func sections(slot: Int, spec: TextFieldSpec) -> [(tag: SectionTag, bytes: [UInt8])] {
        let f = fields[slot]
        var norms = f.norms
        norms.append(contentsOf: repeatElement(0, count: docCount - norms.count))
        let order = f.terms.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        var postings: [UInt8] = [], positions: [UInt8] = []
        var entries: [(term: [UInt8], info: TermInfo)] = []
        entries.reserveCapacity(order.count)
        for (term, index) in order {
            let p = f.postings[index]
            let postingsOffset = postings.count
            PostingsFormat.encode(docs: p.docs, tfs: p.tfs, norms: norms, into: &postings)
            var positionsOffset: Int?
            if spec.positions {
                positionsOffset = positions.count
                var w = ByteWriter()
                var k = 0
                for tf in p.tfs {
                    var previous: UInt32 = 0
                    for j in 0..<Int(tf) {
                        let pos = p.positions[k + j]
                        w.varint(UInt64(pos - previous))
                        previous = pos
                    }
                    k += Int(tf)
                }
                positions.append(contentsOf: w.bytes)
            }
            let maxTF = Int(p.tfs.max() ?? 0)
            let minNorm = p.docs.map { norms[Int($0)] }.min() ?? 0
            entries.append((term, TermInfo(df: p.docs.count, postingsOffset: postingsOffset, positionsOffset: positionsOffset, maxTF: maxTF, minNorm: minNorm)))
        }
        var header = ByteWriter(capacity: 64)
        header.raw(TextSections.magic)
        header.u32(TextSections.version)
        header.u32(UInt32(Analyzer.allCases.firstIndex(of: spec.analyzer) ?? 0))
        header.u32(spec.positions ? 1 : 0)
        header.u32(UInt32(docCount))
        header.u32(UInt32(f.docsWithField))
        header.u64(UInt64(f.totalTokens))
        header.u32(UInt32(entries.count))
        header.pad(to: 64)
        var out: [(tag: SectionTag, bytes: [UInt8])] = [
            (TextSections.tag("XH", slot), header.bytes),
            (TextSections.tag("XT", slot), TermDictionary.encode(entries)),
            (TextSections.tag("XP", slot), postings),
            (TextSections.tag("XN", slot), norms),
        ]
        if spec.positions { out.append((TextSections.tag("XS", slot), positions)) }
        return out
    }
}

/// The text a field holds: strings as they are; JSON payloads contribute their strings.
enum TextValue {
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
