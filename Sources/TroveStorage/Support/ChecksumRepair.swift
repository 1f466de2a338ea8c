/// Recomputes the checksums of a file of each kind Trove writes (docs/FORMAT.md), so a
/// mutated file is valid by CRC and only its values are wrong. Inputs too short or too
/// malformed to find the checksums in come back unchanged. For fuzzing and for tests that
/// craft files valid by CRC and wrong in their values.
public enum ChecksumRepair {
    /// The manifest's trailing CRC over everything before it.
    public static func manifest(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 20 else { return bytes }
        var b = bytes
        put32(&b, b.count - 4, CRC32C.checksum(b[0..<(b.count - 4)]))
        return b
    }

    /// A delete file's trailing CRC.
    public static func deleteFile(_ bytes: [UInt8]) -> [UInt8] { manifest(bytes) }

    /// The log header's CRC and each record's header and payload CRCs, records walked by
    /// their lengths while they fit.
    public static func wal(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 28 else { return bytes }
        var b = bytes
        put32(&b, 24, CRC32C.checksum(b[0..<24]))
        var at = 28
        while at + 13 <= b.count {
            let length = Int(u32(b, at))
            guard length <= b.count - at - 13 else { break }
            put32(&b, at + 5, CRC32C.checksum(b[at..<(at + 5)]))
            put32(&b, at + 9, CRC32C.checksum(b[(at + 13)..<(at + 13 + length)], continuing: CRC32C.checksum([b[at + 4]])))
            at += 13 + length
        }
        return b
    }

    /// Every section's CRC in the table, the table's CRC and the footer's; then each
    /// document block's CRC in the block index.
    public static func segment(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 112 else { return bytes }
        var b = bytes
        let footer = b.count - 48
        let tableOffset = u64(b, footer), tableLength = u64(b, footer + 8)
        guard tableOffset < UInt64(footer), tableLength >= 8, tableLength <= UInt64(footer) - tableOffset else { return bytes }
        let table = Int(tableOffset), end = table + Int(tableLength)
        let count = min(Int(u32(b, table)), (end - table - 8) / 32)
        var blockIndex: (offset: Int, length: Int)?
        var documentBlocks: (offset: Int, length: Int)?
        // Blocks first (their CRCs live in the block index), then sections, then the table.
        for i in 0..<count {
            let entry = table + 8 + i * 32
            let offset = u64(b, entry + 8), length = u64(b, entry + 16)
            guard offset <= UInt64(footer), length <= UInt64(footer) - offset else { continue }
            if u32(b, entry) == SectionTag.blockIndex.rawValue { blockIndex = (Int(offset), Int(length)) }
            if u32(b, entry) == SectionTag.documentBlocks.rawValue { documentBlocks = (Int(offset), Int(length)) }
        }
        if let index = blockIndex, documentBlocks != nil {
            for e in stride(from: index.offset, to: index.offset + index.length - 23, by: 24) {
                let offset = u64(b, e), length = UInt64(u32(b, e + 8))
                guard offset <= UInt64(footer), length <= UInt64(footer) - offset else { continue }
                put32(&b, e + 20, CRC32C.checksum(b[Int(offset)..<Int(offset + length)]))
            }
        }
        for i in 0..<count {
            let entry = table + 8 + i * 32
            let offset = u64(b, entry + 8), length = u64(b, entry + 16)
            guard offset <= UInt64(footer), length <= UInt64(footer) - offset else { continue }
            put32(&b, entry + 24, CRC32C.checksum(b[Int(offset)..<Int(offset + length)]))
        }
        put32(&b, footer + 24, CRC32C.checksum(b[table..<end]))
        put32(&b, footer + 36, CRC32C.checksum(b[footer..<(footer + 36)]))
        return b
    }

    public static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << ($1 * 8) } }
    public static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << ($1 * 8) } }
    public static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) { for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (k * 8)) } }
}
