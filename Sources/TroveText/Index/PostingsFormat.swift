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
