/// The uncompressed layout of a document block: a count, a table of `count + 1` offsets
/// into the data area, then the document encodings back to back. The table lets a read
/// by ordinal jump to its document instead of walking the block.
///
///     u32 count | u32 offsets[count + 1] | data (offsets are relative to data's start)
struct DocumentBlock {
    let bytes: UnsafeRawBufferPointer
    let count: Int
    private let dataStart: Int

    /// Checks the table against the block's size; throws `DecodeError` when it lies.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        let n = Int(try r.u32())
        guard n > 0, n <= (bytes.count - 4) / 4 - 1 else { throw DecodeError(offset: 0, reason: "block claims \(n) documents") }
        let start = 4 + (n + 1) * 4
        let dataLength = bytes.count - start
        guard Self.offset(bytes, 0) == 0, Self.offset(bytes, n) == dataLength else {
            throw DecodeError(offset: 4, reason: "block offset table does not span its data")
        }
        self.bytes = bytes
        count = n
        dataStart = start
    }

    @inline(__always)
    private static func offset(_ bytes: UnsafeRawBufferPointer, _ i: Int) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 + i * 4, as: UInt32.self)))
    }

    /// The encoding of document `i` of this block.
    func encoded(at i: Int) throws -> UnsafeRawBufferPointer {
        guard i >= 0, i < count else { throw DecodeError(offset: 0, reason: "document \(i) of a block of \(count)") }
        let a = Self.offset(bytes, i), b = Self.offset(bytes, i + 1)
        guard a <= b, dataStart + b <= bytes.count else { throw DecodeError(offset: 4 + i * 4, reason: "offsets out of order") }
        return UnsafeRawBufferPointer(rebasing: bytes[(dataStart + a)..<(dataStart + b)])
    }

    /// Builds a block from encodings.
    static func build(_ docs: [[UInt8]], dataBytes: Int) -> [UInt8] {
        var w = ByteWriter(capacity: 8 + docs.count * 4 + dataBytes)
        w.u32(UInt32(docs.count))
        var offset = 0
        w.u32(0)
        for d in docs {
            offset += d.count
            w.u32(UInt32(offset))
        }
        for d in docs { w.raw(d) }
        return w.bytes
    }
}
