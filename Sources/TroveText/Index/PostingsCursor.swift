import TroveStorage

/// Reads one term's postings (PostingsFormat) in doc order, decoding one block of 128 at
/// a time into buffers it owns. `advance(to:)` finds the target's block from the skip
/// entries (galloping, then binary search) without decoding the blocks it passes, and
/// `blockContaining(_:)` answers the same question without moving the cursor, so a
/// scorer can read a block's score bound before paying for its decoding.
///
/// A plain value with no references: its decode buffer belongs to a `QueryArena`, so a
/// scorer can keep cursors in a buffer and move them in its inner loop without any
/// reference counting.
struct PostingsCursor {
    let bytes: UnsafeRawBufferPointer
    let df: Int
    let blocks: Int
    private let skipStart: Int
    private let dataStart: Int
    private(set) var block = -1
    private let docs: UnsafeMutablePointer<UInt32>
    private let tfs: UnsafeMutablePointer<UInt32>
    private let docCount: Int
    private var count = 0
    private var index = 0
    private var shallowBlock = 0
    /// The current document: −1 before the first `next()`, Int.max when exhausted.
    private(set) var doc = -1

    /// - Parameter docCount: the segment's documents: every doc id read must be below it
    ///   (ids index the norms and columns, so one past the end would read out of bounds).
    init(bytes: UnsafeRawBufferPointer, at offset: Int, docCount: Int, arena: QueryArena) throws {
        self.docCount = docCount
        var r = ByteReader(bytes, offset: offset)
        df = try r.length(limit: Int(UInt32.max))
        blocks = try r.length(limit: Int(UInt32.max))
        guard blocks == (df + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize,
              r.offset + blocks * PostingsFormat.skipEntrySize <= bytes.count else {
            throw DecodeError(offset: offset, reason: "postings header disagrees with its size")
        }
        self.bytes = bytes
        skipStart = r.offset
        dataStart = r.offset + blocks * PostingsFormat.skipEntrySize
        docs = arena.allocate(UInt32.self, count: 2 * PostingsFormat.blockSize)
        tfs = docs + PostingsFormat.blockSize
    }

    @inline(__always)
    func lastDoc(ofBlock b: Int) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: skipStart + b * PostingsFormat.skipEntrySize, as: UInt32.self)))
    }

    /// The first doc id block `b` may hold (one past the previous block's last).
    @inline(__always)
    func firstPossibleDoc(ofBlock b: Int) -> Int { b == 0 ? 0 : lastDoc(ofBlock: b - 1) + 1 }

    /// Largest tf and smallest norm code of block `b` (its score bound).
    @inline(__always)
    func blockBound(_ b: Int) -> (maxTF: Int, minNorm: UInt8) {
        let base = skipStart + b * PostingsFormat.skipEntrySize
        return (Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt16.self))), bytes[base + 10])
    }

    var frequency: Int { Int(tfs[index]) + 1 }

    /// The first block whose last doc is ≥ `target` (`blocks` when there is none). Cheap
    /// for the rising targets a scorer asks about: it starts from the last answer.
    mutating func blockContaining(_ target: Int) -> Int {
        var lo = max(shallowBlock, block, 0)
        if lo > 0 && lo <= blocks && lastDoc(ofBlock: lo - 1) >= target { lo = 0 }
        if lo >= blocks || lastDoc(ofBlock: lo) >= target { shallowBlock = lo; return lo }
        // lastDoc(lo) < target: gallop, then bisect (lo, hi].
        var step = 1
        var hi = lo + 1
        while hi < blocks && lastDoc(ofBlock: hi) < target {
            lo = hi
            step <<= 1
            hi = lo + step
        }
        hi = min(hi, blocks)
        while lo + 1 < hi {
            let mid = (lo + hi) / 2
            if lastDoc(ofBlock: mid) < target { lo = mid } else { hi = mid }
        }
        shallowBlock = hi
        return hi
    }

    /// Moves to the first doc ≥ `target` (Int.max when none).
    mutating func advance(to target: Int) throws {
        if doc >= target { return }
        let b = blockContaining(target)
        if b >= blocks { doc = Int.max; return }
        if b != block { try load(b) }
        while index < count && Int(docs[index]) < target { index += 1 }
        guard index < count else { throw DecodeError(offset: skipStart, reason: "postings block ends before its skip entry's last doc") }
        doc = Int(docs[index])
    }

    /// Moves to the first doc ≥ `target`, backwards as well as forwards: a search that
    /// visits windows of ordinals out of order repositions its cursors with this.
    mutating func seek(to target: Int) throws {
        guard block >= 0, doc != -1, target <= doc else { return try advance(to: target) }
        if block < blocks, index < count, index > 0, Int(docs[index - 1]) < target, Int(docs[index]) >= target { return }
        // blockContaining restarts from block 0 when the target lies before its last answer.
        let b = blockContaining(target)
        if b >= blocks { doc = Int.max; return }
        if b != block { try load(b) } else { index = 0 }
        while index < count && Int(docs[index]) < target { index += 1 }
        guard index < count else { throw DecodeError(offset: skipStart, reason: "postings block ends before its skip entry's last doc") }
        doc = Int(docs[index])
    }

    /// Calls `body(doc, tf)` for every doc from the current one through `last`, leaving
    /// the cursor on the first doc after `last` (Int.max when none): a term-at-a-time
    /// scan straight over the decoded blocks. The cursor must be positioned (`next` or
    /// `advance` called once).
    @inline(__always)
    mutating func forEach(through last: Int, _ body: (Int, Int) -> Void) throws {
        guard block >= 0, doc <= last else { return }
        while true {
            while index < count {
                let d = Int(docs[index])
                if d > last { doc = d; return }
                body(d, Int(tfs[index]) + 1)
                index += 1
            }
            if block + 1 >= blocks { doc = Int.max; return }
            try load(block + 1)
        }
    }

    /// Moves to the next doc.
    mutating func next() throws {
        if block >= 0 {
            index += 1
            if index < count { doc = Int(docs[index]); return }
        }
        if block + 1 >= blocks { doc = Int.max; return }
        try load(block + 1)
        doc = Int(docs[0])
    }

    private mutating func load(_ b: Int) throws {
        let n = b == blocks - 1 ? df - b * PostingsFormat.blockSize : PostingsFormat.blockSize
        let offset = dataStart + Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: skipStart + b * PostingsFormat.skipEntrySize + 4, as: UInt32.self)))
        guard offset + 2 <= bytes.count else { throw DecodeError(offset: offset, reason: "postings block outside its section") }
        let db = Int(bytes[offset]), tb = Int(bytes[offset + 1])
        guard db <= 32, tb <= 32 else { throw DecodeError(offset: offset, reason: "postings block widths are wrong") }
        let docBytes = BitPacking.byteCount(count: n, width: db)
        guard offset + 2 + docBytes + BitPacking.byteCount(count: n, width: tb) <= bytes.count else {
            throw DecodeError(offset: offset, reason: "postings block outside its section")
        }
        BitPacking.unpack(bytes, offset: offset + 2, count: n, width: db, into: docs)
        BitPacking.unpack(bytes, offset: offset + 2 + docBytes, count: n, width: tb, into: tfs)
        // Summed without wrapping and checked against the skip entry and the segment:
        // the bytes passed their checksum but may still name documents that do not exist.
        let last = lastDoc(ofBlock: b)
        guard last < docCount else { throw DecodeError(offset: offset, reason: "postings name document \(last) of \(docCount)") }
        var previous = firstPossibleDoc(ofBlock: b) - 1
        for i in 0..<n {
            previous += Int(docs[i])
            guard previous <= last else { throw DecodeError(offset: offset, reason: "postings block disagrees with its skip entry") }
            docs[i] = UInt32(truncatingIfNeeded: previous)
        }
        guard n > 0, previous == last else {
            throw DecodeError(offset: offset, reason: "postings block disagrees with its skip entry")
        }
        block = b
        count = n
        index = 0
    }
}
