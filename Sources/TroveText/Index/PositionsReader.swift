import TroveStorage

/// One term's positions in a segment, read document by document in increasing order: the
/// positions of documents nobody asks about are skipped as varints, never decoded. It
/// follows its own cursor over the term's postings for the frequencies the skips need.
struct PositionsReader {
    private var postings: PostingsCursor
    private var bytes: ByteReader
    private let path: String
    /// The last document read and its positions (a phrase may ask twice for one document).
    private var last: (doc: Int, positions: [Int]) = (-1, [])

    /// nil when the field keeps no positions for the term.
    init?(_ index: TextSegmentIndex, _ info: TermInfo, arena: QueryArena) throws {
        guard let positions = index.positions, let start = info.positionsOffset else { return nil }
        postings = try index.cursor(info, arena: arena)
        try postings.next()
        bytes = ByteReader(positions, offset: start)
        path = index.reader.path
    }

    /// The term's positions in `doc` ([] when it is not there). Documents must be asked
    /// for in increasing order; an earlier one than the last answers [].
    mutating func positions(in doc: Int) throws -> [Int] {
        if doc == last.doc { return last.positions }
        while postings.doc < doc {
            try bytes.skipVarints(postings.frequency)
            try postings.next()
        }
        guard postings.doc == doc else { return [] }
        return try readCurrent()
    }

    /// The next document holding the term and its positions, nil after the last.
    mutating func next() throws -> (doc: Int, positions: [Int])? {
        guard postings.doc != Int.max else { return nil }
        let doc = postings.doc
        return (doc, try readCurrent())
    }

    /// Decodes the current document's positions and moves on to the next document.
    private mutating func readCurrent() throws -> [Int] {
        let doc = postings.doc
        var p = 0
        var list: [Int] = []
        list.reserveCapacity(postings.frequency)
        for _ in 0..<postings.frequency {
            // Positions are u32: a larger delta (read from disk) is corruption, not a trap.
            p += try bytes.length(limit: Int(UInt32.max))
            guard p <= Int(UInt32.max) else { throw StorageError.corruption(file: path, offset: 0, reason: "positions: position past 2^32") }
            list.append(p)
        }
        try postings.next()
        last = (doc, list)
        return list
    }
}
