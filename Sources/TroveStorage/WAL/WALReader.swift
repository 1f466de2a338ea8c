/// Reads a log file back during recovery and verification.
///
/// What counts as a torn tail (cut off silently, since it was never acknowledged) and
/// what counts as damage (an error naming file and offset) is decided here:
/// - a newest log shorter than its header, or all zero bytes: empty;
/// - fewer bytes left than a record header: torn;
/// - a run of zero bytes up to the end of the file: torn (preallocated or zero-filled);
/// - a record header whose own checksum fails: corruption (its length cannot be trusted);
/// - a sound header whose payload runs past the end of the file: torn;
/// - a payload checksum failure on the record that ends the file: torn;
/// - anything else that fails a check: corruption.
struct WALReader {
    struct Scan {
        /// Byte offset just past the last good record.
        var validEnd: Int64
        /// Bytes after `validEnd` that were judged a torn tail.
        var tornBytes: Int64
        var records: Int
    }

    /// Reads every record of the log at `path`, calling `body` with each payload.
    /// `isNewest` allows a torn header (a crash right after the file was created).
    static func scan(
        path: String, expectedNumber: UInt64?, isNewest: Bool, fileSystem: any FileSystem = LocalFileSystem(),
        _ body: (_ type: UInt8, _ payload: UnsafeRawBufferPointer, _ offset: Int64) throws -> Void
    ) throws -> Scan {
        let map = try fileSystem.map(path)
        let bytes = map.bytes
        let name = path
        if bytes.count < WALFormat.fileHeaderSize || bytes.allSatisfy({ $0 == 0 }) {
            if isNewest, bytes.allSatisfy({ $0 == 0 }) || isPrefixOfHeader(bytes) {
                return Scan(validEnd: 0, tornBytes: Int64(bytes.count), records: 0)
            }
            throw StorageError.corruption(file: name, offset: 0, reason: bytes.count < WALFormat.fileHeaderSize ? "log file shorter than its header" : "log file is all zero bytes but is not the newest log")
        }
        try checkHeader(bytes, path: name, expectedNumber: expectedNumber)
        var pos = WALFormat.fileHeaderSize
        var records = 0
        while pos < bytes.count {
            let remaining = bytes.count - pos
            if remaining < WALFormat.recordHeaderSize || isZero(bytes, from: pos) {
                return Scan(validEnd: Int64(pos), tornBytes: Int64(remaining), records: records)
            }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: pos, as: UInt32.self)))
            let type = bytes[pos + 4]
            let headerCrc = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: pos + 5, as: UInt32.self))
            let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: pos + 9, as: UInt32.self))
            guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + 5)])) == headerCrc else {
                throw StorageError.corruption(file: name, offset: Int64(pos), reason: "record header checksum mismatch")
            }
            let end = pos + WALFormat.recordHeaderSize + length
            if length > WALFormat.maxRecordLength {
                throw StorageError.corruption(file: name, offset: Int64(pos), reason: "record length \(length) is over the limit")
            }
            if end > bytes.count { return Scan(validEnd: Int64(pos), tornBytes: Int64(remaining), records: records) }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(pos + WALFormat.recordHeaderSize)..<end])
            let crc = CRC32C.checksum(payload, continuing: CRC32C.checksum([type]))
            if crc != stored {
                if end == bytes.count { return Scan(validEnd: Int64(pos), tornBytes: Int64(remaining), records: records) }
                throw StorageError.corruption(file: name, offset: Int64(pos), reason: "record checksum mismatch")
            }
            try body(type, payload, Int64(pos))
            records += 1
            pos = end
        }
        return Scan(validEnd: Int64(pos), tornBytes: 0, records: records)
    }

    private static func checkHeader(_ bytes: UnsafeRawBufferPointer, path: String, expectedNumber: UInt64?) throws {
        let header = UnsafeRawBufferPointer(rebasing: bytes[0..<WALFormat.fileHeaderSize])
        guard Array(header[0..<8]) == WALFormat.magic else {
            throw StorageError.corruption(file: path, offset: 0, reason: "not a Trove log file (bad magic)")
        }
        var r = ByteReader(header, offset: 8)
        let version = try r.u32()
        _ = try r.u32()
        let number = try r.u64()
        let stored = try r.u32()
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: header[0..<24])) == stored else {
            throw StorageError.corruption(file: path, offset: 24, reason: "log header checksum mismatch")
        }
        guard version == WALFormat.version else {
            throw StorageError.unsupportedVersion(file: path, found: version, supported: WALFormat.version)
        }
        if let expectedNumber, number != expectedNumber {
            throw StorageError.corruption(file: path, offset: 16, reason: "log header names file \(number), expected \(expectedNumber)")
        }
    }

    private static func isPrefixOfHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count <= 8 ? Array(bytes) == Array(WALFormat.magic.prefix(bytes.count)) : Array(bytes[0..<8]) == WALFormat.magic
    }

    private static func isZero(_ bytes: UnsafeRawBufferPointer, from pos: Int) -> Bool {
        guard bytes[pos] == 0 else { return false }
        for i in pos..<bytes.count where bytes[i] != 0 { return false }
        return true
    }
}
