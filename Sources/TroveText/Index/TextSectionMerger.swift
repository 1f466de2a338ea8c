import TroveStorage

/// The text sections of a merged segment, built from its sources' sections instead of
/// its documents' text: term dictionaries merged in byte order, postings and positions
/// copied with documents renumbered and deleted ones dropped, field lengths carried over.
/// Re-analysing every document was most of what a merge cost (docs/BENCHMARKS.md,
/// issue 20). The result is what analysing the live documents again would write, as long
/// as the analyser has not changed since the sources were written.
final class TextSectionMerger: SegmentSectionBuilder {
    /// One source segment: its index per text slot, and where its documents land.
    private struct Source {
        let indexes: [TextSegmentIndex]
        let ordinals: [Int32]
    }

    private let schema: TextSchema
    private let sources: [Source]
    private var docsWithField: [Int]
    private var columns: NumericColumnsBuilder
    private var docCount = 0

    /// nil when a source cannot be merged this way (a text field added since it was
    /// written, another analyser or positions setting, a damaged header): the merge
    /// then analyses the documents again.
    convenience init?(schema: TextSchema, sources: [MergeSource]) {
        self.init(schema: schema, sections: sources.map { ($0.reader, $0.ordinals) })
    }

    /// Sources given as sections, from segments or from memory (`MemoryChunk` merges
    /// its chunks the same way).
    init?(schema full: TextSchema, sections sources: [(source: any SectionSource, ordinals: [Int32])]) {
        let schema = full.slotted
        var opened: [Source] = []
        for source in sources {
            var indexes: [TextSegmentIndex] = []
            for (slot, spec) in schema.text.enumerated() {
                guard let index = try? TextSegmentIndex.open(source.source, slot: slot), index.hasPositions == spec.positions,
                      index.analyzerCode == TextSections.analyzerCode(spec.analyzer), source.ordinals.count == index.docCount else { return nil }
                indexes.append(index)
            }
            opened.append(Source(indexes: indexes, ordinals: source.ordinals))
        }
        self.schema = schema
        self.sources = opened
        docsWithField = Array(repeating: 0, count: schema.text.count)
        columns = NumericColumnsBuilder(specs: schema.numeric)
    }

    func add(ordinal: Int, document: Document) throws {
        docCount = ordinal + 1
        for (slot, spec) in schema.text.enumerated() where TextValue.isPresent(document[spec.field]) { docsWithField[slot] += 1 }
        columns.add(ordinal: ordinal, document: document)
    }

    func finish() throws -> [(tag: SectionTag, bytes: [UInt8])] {
        var out: [(tag: SectionTag, bytes: [UInt8])] = []
        for (slot, spec) in schema.text.enumerated() { out += try mergeField(slot: slot, spec: spec).sections(slot: slot, spec: spec) }
        return out + columns.sections(docCount: docCount)
    }

    private func mergeField(slot: Int, spec: TextFieldSpec) throws -> TextFieldSections {
        var out = TextFieldSections(docCount: docCount, docsWithField: docsWithField[slot], totalTokens: 0,
                                    norms: [UInt8](repeating: 0, count: docCount))
        for s in sources {
            let norms = s.indexes[slot].norms
            for (o, n) in s.ordinals.enumerated() where n >= 0 {
                guard Int(n) < docCount else { throw StorageError.invalidArgument("merge maps a document past the \(docCount) written") }
                out.norms[Int(n)] = norms[o]
            }
        }
        let dictionaries = try sources.map { try Self.terms(of: $0.indexes[slot]) }
        var heads = [Int](repeating: 0, count: sources.count)
        var docs: [UInt32] = [], tfs: [UInt32] = [], positions: [UInt8] = []
        while let term = Self.smallestHead(dictionaries, heads) {
            docs.removeAll(keepingCapacity: true)
            tfs.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            for (i, d) in dictionaries.enumerated() where heads[i] < d.count && d[heads[i]].term == term {
                try copyPostings(of: d[heads[i]].info, from: sources[i], slot: slot, docs: &docs, tfs: &tfs,
                                 positions: spec.positions, into: &positions, totalTokens: &out.totalTokens)
                heads[i] += 1
            }
            if !docs.isEmpty { out.addTerm(term, docs: docs, tfs: tfs, positions: spec.positions ? positions : nil) }
        }
        return out
    }

    /// Appends the live documents of one source's postings for a term, renumbered, and
    /// their positions' bytes. Each document's run of positions starts from position 0, so
    /// the bytes copy as they are, in one piece per stretch of live documents.
    private func copyPostings(of info: TermInfo, from source: Source, slot: Int, docs: inout [UInt32], tfs: inout [UInt32],
                              positions keep: Bool, into positions: inout [UInt8], totalTokens: inout Int) throws {
        let index = source.indexes[slot]
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        var cursor = try index.cursor(info, arena: arena)
        var reader: ByteReader?
        if keep {
            guard let bytes = index.positions, let start = info.positionsOffset, start <= bytes.count else {
                throw StorageError.corruption(file: index.reader.path, offset: 0, reason: "text field slot \(slot): a term has no positions")
            }
            reader = ByteReader(bytes, offset: start)
        }
        // The live stretch of position bytes not yet copied starts here.
        var runStart = reader?.offset ?? 0
        do {
            try cursor.next()
            while cursor.doc != Int.max {
                let tf = cursor.frequency
                let target = source.ordinals[cursor.doc]
                if target >= 0 {
                    guard docs.last.map({ $0 < UInt32(target) }) ?? true else {
                        throw DecodeError(offset: info.postingsOffset, reason: "postings repeat or reorder documents")
                    }
                    docs.append(UInt32(target))
                    tfs.append(UInt32(tf))
                    totalTokens += tf
                    try reader?.skipVarints(tf)
                } else if var r = reader {
                    // A dropped document ends the stretch: copy it, skip this one's bytes.
                    if r.offset > runStart, let bytes = index.positions { positions.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<r.offset]).assumingMemoryBound(to: UInt8.self)) }
                    try r.skipVarints(tf)
                    runStart = r.offset
                    reader = r
                }
                try cursor.next()
            }
        } catch let e as DecodeError {
            throw StorageError.corruption(file: index.reader.path, offset: 0, reason: "text field slot \(slot): \(e.reason)")
        }
        if let r = reader, r.offset > runStart, let bytes = index.positions {
            positions.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<r.offset]).assumingMemoryBound(to: UInt8.self))
        }
    }

    private static func terms(of index: TextSegmentIndex) throws -> [(term: [UInt8], info: TermInfo)] {
        var out: [(term: [UInt8], info: TermInfo)] = []
        out.reserveCapacity(index.dictionary.termCount)
        do {
            try index.dictionary.scan(from: 0) { term, info in
                // Merged in order, so out-of-order terms (checksummed but wrong) would
                // make a dictionary whose lookups miss.
                guard out.last.map({ $0.term.lexicographicallyPrecedes(term) }) ?? true else {
                    throw DecodeError(offset: 0, reason: "terms out of order")
                }
                out.append((term, info))
                return true
            }
        } catch let e as DecodeError {
            throw StorageError.corruption(file: index.reader.path, offset: 0, reason: "term dictionary: \(e.reason)")
        }
        return out
    }

    /// The smallest term at the heads of the dictionaries, nil when all are done.
    private static func smallestHead(_ dictionaries: [[(term: [UInt8], info: TermInfo)]], _ heads: [Int]) -> [UInt8]? {
        var best: [UInt8]?
        for (i, d) in dictionaries.enumerated() where heads[i] < d.count {
            let t = d[heads[i]].term
            if best.map({ t.lexicographicallyPrecedes($0) }) ?? true { best = t }
        }
        return best
    }
}
