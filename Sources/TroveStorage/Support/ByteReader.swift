/// Why a read of a binary structure stopped; callers turn it into a `StorageError` that
/// names the file.
public struct DecodeError: Error, Sendable, Equatable {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}

/// A bounds-checked little-endian reader over borrowed bytes. It never reads past its
/// buffer: every read that would throws `DecodeError` with the offset it stopped at.
/// The buffer must outlive the reader (use it inside `withUnsafeBytes`).
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    public var offset: Int

    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset >= buffer.count }

    @inline(__always)
    mutating func need(_ n: Int) throws {
        if n < 0 || n > buffer.count - offset {
            throw DecodeError(offset: offset, reason: "needs \(n) bytes, \(buffer.count - offset) left")
        }
    }

    public mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    public mutating func u16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    public mutating func u32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    public mutating func u64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public mutating func f32() throws -> Float { Float(bitPattern: try u32()) }
    public mutating func f64() throws -> Double { Double(bitPattern: try u64()) }

    public mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < buffer.count else {
                throw DecodeError(offset: start, reason: "truncated varint")
            }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw DecodeError(offset: start, reason: "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw DecodeError(offset: start, reason: "varint longer than 10 bytes") }
        }
    }

    /// Moves past `n` varints without decoding them (each ends at a byte below 0x80): for
    /// streams read only in part, such as the positions of documents not asked about.
    public mutating func skipVarints(_ n: Int) throws {
        var left = n
        var i = offset
        let end = buffer.count
        while left > 0 {
            guard i < end else { throw DecodeError(offset: offset, reason: "truncated varint") }
            if buffer[i] < 0x80 { left -= 1 }
            i += 1
        }
        offset = i
    }

    /// A varint that must fit in `Int` and be at most `limit` (lengths and counts).
    public mutating func length(limit: Int = Int(Int32.max)) throws -> Int {
        let start = offset
        let v = try varint()
        guard v <= UInt64(limit) else {
            throw DecodeError(offset: start, reason: "length \(v) exceeds limit \(limit)")
        }
        return Int(v)
    }

    public mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    /// Borrows the next `n` bytes without copying.
    public mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + n])
    }

    /// A varint length then that many bytes, borrowed.
    public mutating func lengthPrefixed() throws -> UnsafeRawBufferPointer {
        try bytes(try length(limit: remaining))
    }

    /// A varint length then that many bytes of valid UTF-8.
    public mutating func string() throws -> String {
        let start = offset
        let raw = try lengthPrefixed()
        // ASCII needs no validation, and skipping the generic validator matters on the
        // read path, where most field names and many values are ASCII.
        if Self.isASCII(raw) { return String(decoding: raw, as: UTF8.self) }
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw DecodeError(offset: start, reason: "invalid UTF-8")
        }
        return s
    }

    @inline(__always)
    static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = raw.count
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if raw[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}
