/// Which zstd dictionary each document block of a segment needs.
///
/// A version-1 segment has one dictionary for every block (ZDIC) or none. A version-2
/// segment lists several (ZDCT) and names one per block (DOCZ), so a merge can copy its
/// sources' compressed blocks as they are instead of compressing them again
/// (docs/FORMAT.md 5.9). The values are read from disk: every count, length and index is
/// checked before it is used.
struct BlockDictionaries {
    private let dictionaries: [ZstdDictionary]
    /// Per block, an index into `dictionaries` or `SegmentFormat.noDictionary`; empty for
    /// a version-1 segment, whose blocks all use `dictionaries.first`.
    private let perBlock: [UInt16]

    /// The dictionaries of a version-1 segment: `zdic` for every block, or none.
    init(single zdic: ZstdDictionary?) {
        dictionaries = zdic.map { [$0] } ?? []
        perBlock = []
    }

    /// Parses ZDCT and DOCZ; `fail` makes the error for a reason and a section offset.
    init(list: UnsafeRawBufferPointer, blocks: UnsafeRawBufferPointer, blockCount: Int,
         fail: (SectionTag, String) -> StorageError) throws(StorageError) {
        var loaded: [ZstdDictionary] = []
        for (i, bytes) in try Self.split(list, fail: { fail(.dictionaries, $0) }).enumerated() {
            guard let d = ZstdDictionary(bytes: bytes, level: nil) else { throw fail(.dictionaries, "dictionary \(i) does not load") }
            loaded.append(d)
        }
        guard blocks.count == blockCount * 2 else {
            throw fail(.blockDictionaries, "holds \(blocks.count) bytes for \(blockCount) blocks")
        }
        var perBlock = [UInt16](repeating: 0, count: blockCount)
        for b in 0..<blockCount {
            let d = UInt16(littleEndian: blocks.loadUnaligned(fromByteOffset: b * 2, as: UInt16.self))
            guard d == SegmentFormat.noDictionary || Int(d) < loaded.count else {
                throw fail(.blockDictionaries, "block \(b) names dictionary \(d) of \(loaded.count)")
            }
            perBlock[b] = d
        }
        dictionaries = loaded
        self.perBlock = perBlock
    }

    /// Every dictionary, in ZDCT order.
    var all: [ZstdDictionary] { dictionaries }

    /// The dictionary block `b` was compressed with, or nil for a plain frame.
    func forBlock(_ b: Int) -> ZstdDictionary? {
        guard !perBlock.isEmpty else { return dictionaries.first }
        guard b >= 0, b < perBlock.count, perBlock[b] != SegmentFormat.noDictionary else { return nil }
        return dictionaries[Int(perBlock[b])]
    }

    /// ZDCT: u32 count, u32 reserved, count × u32 lengths, then the dictionaries back to back.
    static func encodeList(_ dictionaries: [[UInt8]]) -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(dictionaries.count))
        w.u32(0)
        for d in dictionaries { w.u32(UInt32(d.count)) }
        for d in dictionaries { w.raw(d) }
        return w.bytes
    }

    /// DOCZ: one little-endian u16 per block.
    static func encodeBlocks(_ perBlock: [UInt16]) -> [UInt8] {
        var w = ByteWriter(capacity: perBlock.count * 2)
        for d in perBlock { w.u16(d) }
        return w.bytes
    }

    private static func split(_ list: UnsafeRawBufferPointer, fail: (String) -> StorageError) throws(StorageError) -> [[UInt8]] {
        guard list.count >= 8 else { throw fail("is \(list.count) bytes") }
        let count = Int(UInt32(littleEndian: list.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        guard (0...SegmentFormat.maximumDictionaries).contains(count), list.count >= 8 + count * 4 else {
            throw fail("claims \(count) dictionaries")
        }
        var out: [[UInt8]] = []
        var at = 8 + count * 4
        for i in 0..<count {
            let length = Int(UInt32(littleEndian: list.loadUnaligned(fromByteOffset: 8 + i * 4, as: UInt32.self)))
            guard length > 0, length <= list.count - at else { throw fail("dictionary \(i) of \(length) bytes overruns the section") }
            out.append([UInt8](UnsafeRawBufferPointer(rebasing: list[at..<(at + length)])))
            at += length
        }
        guard at == list.count else { throw fail("has \(list.count - at) bytes after its dictionaries") }
        return out
    }
}
