import TroveStorage

/// The postings of one term in a segment (docs/FORMAT.md, "Text sections"):
///
///     varint df, varint blocks
///     blocks × skip entry: u32 last doc, u32 data offset, u16 max tf, u8 min norm, u8 0
///     blocks × data: u8 doc bits, u8 tf bits, packed doc deltas, packed (tf − 1)
///
/// Blocks hold 128 documents (the last one fewer). The first delta of a block is from the
/// previous block's last doc (from −1 for the first block). The skip entry lets a cursor
/// jump to the block holding a target doc and bounds the block's best BM25 score from its
/// largest tf and shortest field (block-max pruning).
enum PostingsFormat {
    static let blockSize = 128
    static let skipEntrySize = 12

    static func encode(docs: [UInt32], tfs: [UInt32], norms: [UInt8], into out: inout [UInt8]) {
        var w = ByteWriter()
        w.varint(docs.count)
        let blocks = (docs.count + blockSize - 1) / blockSize
        w.varint(blocks)
        var data: [UInt8] = []
        var skips = ByteWriter(capacity: blocks * skipEntrySize)
        var previous: Int64 = -1
        var deltas = [UInt32](), freqs = [UInt32]()
        for b in 0..<blocks {
            let range = (b * blockSize)..<min(docs.count, (b + 1) * blockSize)
            deltas.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            var maxTF: UInt32 = 0
            var minNorm: UInt8 = 255
            for i in range {
                deltas.append(UInt32(Int64(docs[i]) - previous))
                previous = Int64(docs[i])
                freqs.append(tfs[i] - 1)
                maxTF = max(maxTF, tfs[i])
                minNorm = min(minNorm, norms[Int(docs[i])])
            }
            skips.u32(docs[range.upperBound - 1])
            skips.u32(UInt32(data.count))
            skips.u16(UInt16(min(maxTF, UInt32(UInt16.max))))
            skips.u8(minNorm)
            skips.u8(0)
            let db = BitPacking.width(deltas[...]), tb = BitPacking.width(freqs[...])
            data.append(UInt8(db))
            data.append(UInt8(tb))
            BitPacking.pack(deltas[...], width: db, into: &data)
            BitPacking.pack(freqs[...], width: tb, into: &data)
        }
        out.append(contentsOf: w.bytes)
        out.append(contentsOf: skips.bytes)
        out.append(contentsOf: data)
    }
}

/// Reads one term's postings in doc order, decoding a block at a time; `advance(to:)`
/// jumps over whole blocks using the skip entries.
struct PostingsCursor {
    let bytes: UnsafeRawBufferPointer
    let df: Int
    let blocks: Int
    private let skipStart: Int
    private let dataStart: Int
    private(set) var block = -1
    private var docsInBlock: [UInt32] = []
    private var tfsInBlock: [UInt32] = []
    private var index = 0
    /// The current document, or Int.max when exhausted.
    private(set) var doc = -1

    init(bytes: UnsafeRawBufferPointer, at offset: Int) throws {
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
    }

    func lastDoc(ofBlock b: Int) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: skipStart + b * PostingsFormat.skipEntrySize, as: UInt32.self)))
    }

    /// Largest tf and smallest norm code of block `b` (its score bound).
    func blockBound(_ b: Int) -> (maxTF: Int, minNorm: UInt8) {
        let base = skipStart + b * PostingsFormat.skipEntrySize
        return (Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt16.self))), bytes[base + 10])
    }

    var frequency: Int { Int(tfsInBlock[index]) + 1 }

    /// Moves to the first doc ≥ `target` (Int.max when none).
    mutating func advance(to target: Int) throws {
        if doc >= target { return }
        if block < 0 || target > lastDoc(ofBlock: block) {
            var b = max(block, 0)
            while b < blocks && lastDoc(ofBlock: b) < target { b += 1 }
            if b >= blocks { doc = Int.max; return }
            try load(b)
        }
        while Int(docsInBlock[index]) < target { index += 1 }
        doc = Int(docsInBlock[index])
    }

    /// Moves to the next doc.
    mutating func next() throws {
        if block < 0 { try load(0); doc = blocks == 0 ? Int.max : Int(docsInBlock[0]); return }
        index += 1
        if index < docsInBlock.count { doc = Int(docsInBlock[index]); return }
        if block + 1 >= blocks { doc = Int.max; return }
        try load(block + 1)
        doc = Int(docsInBlock[0])
    }

    private mutating func load(_ b: Int) throws {
        let count = b == blocks - 1 ? df - b * PostingsFormat.blockSize : PostingsFormat.blockSize
        let offset = dataStart + Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: skipStart + b * PostingsFormat.skipEntrySize + 4, as: UInt32.self)))
        guard offset + 2 <= bytes.count else { throw DecodeError(offset: offset, reason: "postings block outside its section") }
        let db = Int(bytes[offset]), tb = Int(bytes[offset + 1])
        let need = BitPacking.byteCount(count: count, width: db) + BitPacking.byteCount(count: count, width: tb)
        guard db <= 32, tb <= 32, offset + 2 + need <= bytes.count else { throw DecodeError(offset: offset, reason: "postings block widths or size are wrong") }
        BitPacking.unpack(bytes, offset: offset + 2, count: count, width: db, into: &docsInBlock)
        BitPacking.unpack(bytes, offset: offset + 2 + BitPacking.byteCount(count: count, width: db), count: count, width: tb, into: &tfsInBlock)
        var previous = b == 0 ? -1 : lastDoc(ofBlock: b - 1)
        for i in 0..<count {
            previous += Int(docsInBlock[i])
            docsInBlock[i] = UInt32(previous)
        }
        block = b
        index = 0
    }
}
