import TroveStorage

/// A segment's (or a memory chunk's) inverted index for one text field, read in place
/// from its sections. Borrows its bytes from the mapped segment or the memory sections,
/// which `reader` keeps alive.
struct TextSegmentIndex: @unchecked Sendable {
    let docCount: Int
    let docsWithField: Int
    let totalTokens: Int
    let hasPositions: Bool
    /// The analyser's number in the header (`TextSections.analyzerCode`).
    let analyzerCode: UInt32
    let dictionary: TermDictionary.Reader
    let postings: UnsafeRawBufferPointer
    let positions: UnsafeRawBufferPointer?
    let norms: UnsafeRawBufferPointer
    let reader: any SectionSource

    static func open(_ reader: any SectionSource, slot: Int) throws -> TextSegmentIndex? {
        guard let hb = try reader.section(TextSections.tag("XH", slot)) else { return nil }
        func bad(_ why: String, _ prefix: StaticString = "XH") -> StorageError {
            .corruption(file: reader.path, offset: reader.offset(of: TextSections.tag(prefix, slot)), reason: "text field slot \(slot): \(why)")
        }
        guard hb.count == 64, Array(hb[0..<4]) == TextSections.magic else { throw bad("bad header") }
        var r = ByteReader(hb, offset: 4)
        let version = try r.u32()
        guard version == TextSections.version else { throw StorageError.unsupportedVersion(file: reader.path, found: version, supported: TextSections.version) }
        let analyzerCode = try r.u32()
        let hasPositions = try r.u32() == 1
        let docs = Int(try r.u32()), withField = Int(try r.u32())
        let total = try r.u64()
        guard docs == reader.docCount, withField <= docs, total <= UInt64(Int32.max) * 64 else { throw bad("counts disagree with the segment") }
        func section(_ prefix: StaticString) throws -> UnsafeRawBufferPointer {
            guard let s = try reader.section(TextSections.tag(prefix, slot)) else { throw bad("missing section", prefix) }
            return s
        }
        let norms = try section("XN")
        guard norms.count == docs else { throw bad("norms hold \(norms.count) of \(docs)", "XN") }
        let dict: TermDictionary.Reader
        do { dict = try TermDictionary.Reader(try section("XT")) } catch let e as DecodeError { throw bad(e.reason, "XT") }
        return TextSegmentIndex(docCount: docs, docsWithField: withField, totalTokens: Int(total), hasPositions: hasPositions, analyzerCode: analyzerCode,
                                dictionary: dict, postings: try section("XP"), positions: hasPositions ? try section("XS") : nil,
                                norms: norms, reader: reader)
    }

    func cursor(_ info: TermInfo, arena: QueryArena) throws -> PostingsCursor {
        do { return try PostingsCursor(bytes: postings, at: info.postingsOffset, docCount: docCount, arena: arena) } catch let e as DecodeError {
            throw StorageError.corruption(file: reader.path, offset: 0, reason: "postings: \(e.reason)")
        }
    }

    /// Positions of a term in each of its documents (for phrase checks), doc → positions;
    /// with `only`, just those documents, and the stream is read no further than the last
    /// (others' positions skipped undecoded, by `PositionsReader`).
    func positions(_ info: TermInfo, only: Set<Int>? = nil) throws -> [Int: [Int]] {
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        guard var reader = try PositionsReader(self, info, arena: arena) else { return [:] }
        var out: [Int: [Int]] = [:]
        if let only {
            for doc in only.sorted() {
                let list = try reader.positions(in: doc)
                if !list.isEmpty { out[doc] = list }
            }
        } else {
            while let (doc, list) = try reader.next() { out[doc] = list }
        }
        return out
    }
}
