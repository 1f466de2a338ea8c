/// Constants of the write-ahead-log file format (docs/FORMAT.md, "Write-ahead log").
enum WALFormat {
    static let magic: [UInt8] = Array("TROVEWAL".utf8)
    static let version: UInt32 = 1
    /// magic(8) version(4) flags(4) file number(8) crc32c(4)
    static let fileHeaderSize = 28
    /// length(4) type(1) header crc32c(4) payload crc32c(4)
    static let recordHeaderSize = 13
    /// Records larger than this are refused on write and treated as damage on read.
    static let maxRecordLength = 1 << 30

    /// The one record type so far: a batch of writes, applied all or nothing.
    static let recordTypeBatch: UInt8 = 1

    static func fileHeader(fileNumber: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: fileHeaderSize)
        w.raw(magic)
        w.u32(version)
        w.u32(0)
        w.u64(fileNumber)
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// Frames one payload: length, type, the checksum of those five bytes (so a damaged
    /// length is told apart from a torn tail), the checksum of type and payload, payload.
    static func frame(type: UInt8, payload: [UInt8], into w: inout ByteWriter) {
        let start = w.count
        w.u32(UInt32(payload.count))
        w.u8(type)
        w.u32(CRC32C.checksum(w.bytes[start..<(start + 5)]))
        w.u32(CRC32C.checksum(payload, continuing: CRC32C.checksum([type])))
        w.raw(payload)
    }
}
