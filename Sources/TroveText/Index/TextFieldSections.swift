import TroveStorage

/// The sections one text field adds to a segment (docs/FORMAT.md, "Text sections"):
/// `XHnn` header, `XTnn` term dictionary, `XPnn` postings, `XNnn` one-byte field lengths,
/// and `XSnn` positions when the field keeps them. Written the same way whether the
/// field was analysed from documents (`TextSectionBuilder`) or merged from other
/// segments' sections (`TextSectionMerger`).
struct TextFieldSections {
    var docCount: Int
    var docsWithField: Int
    var totalTokens: Int
    /// Terms in byte order, each with its postings' and positions' offsets.
    var entries: [(term: [UInt8], info: TermInfo)] = []
    var postings: [UInt8] = []
    var positions: [UInt8] = []
    var norms: [UInt8]

    /// Appends one term's postings (and positions, already encoded) and its dictionary
    /// entry. `docs` ascend; `norms` must already hold every document's length code.
    mutating func addTerm(_ term: [UInt8], docs: [UInt32], tfs: [UInt32], positions encoded: [UInt8]?) {
        let postingsOffset = postings.count
        PostingsFormat.encode(docs: docs, tfs: tfs, norms: norms, into: &postings)
        var positionsOffset: Int?
        if let encoded {
            positionsOffset = positions.count
            positions.append(contentsOf: encoded)
        }
        var maxTF: UInt32 = 0
        var minNorm: UInt8 = docs.isEmpty ? 0 : 255
        for (i, d) in docs.enumerated() {
            maxTF = max(maxTF, tfs[i])
            minNorm = min(minNorm, norms[Int(d)])
        }
        entries.append((term, TermInfo(df: docs.count, postingsOffset: postingsOffset, positionsOffset: positionsOffset,
                                        maxTF: Int(maxTF), minNorm: minNorm)))
    }

    func sections(slot: Int, spec: TextFieldSpec) -> [(tag: SectionTag, bytes: [UInt8])] {
        var header = ByteWriter(capacity: 64)
        header.raw(TextSections.magic)
        header.u32(TextSections.version)
        header.u32(TextSections.analyzerCode(spec.analyzer))
        header.u32(spec.positions ? 1 : 0)
        header.u32(UInt32(docCount))
        header.u32(UInt32(docsWithField))
        header.u64(UInt64(totalTokens))
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

/// The `NCnn` columns of a segment's numeric fields, filled document by document.
struct NumericColumnsBuilder {
    private let specs: [NumericFieldSpec]
    private var columns: [[Int64?]]
    private var kinds: [NumericColumn.Kind]

    init(specs: [NumericFieldSpec]) {
        self.specs = specs
        columns = Array(repeating: [], count: specs.count)
        kinds = Array(repeating: .int64, count: specs.count)
    }

    /// Records `document`'s values at `ordinal` (ordinals ascend; skipped ones hold none).
    mutating func add(ordinal: Int, document: Document) {
        for (slot, spec) in specs.enumerated() {
            let v = NumericFieldSpec.columnValue(document[spec.field], doubles: spec.doubles)
            if let (_, kind) = v { kinds[slot] = kind }
            columns[slot].append(contentsOf: repeatElement(nil, count: max(0, ordinal - columns[slot].count)))
            columns[slot].append(v?.0)
        }
    }

    func sections(docCount: Int) -> [(tag: SectionTag, bytes: [UInt8])] {
        specs.indices.map { slot in
            var values = columns[slot]
            values.append(contentsOf: repeatElement(nil, count: max(0, docCount - values.count)))
            return (TextSections.tag("NC", slot), NumericColumn.encode(kind: kinds[slot], values: values))
        }
    }
}
