/// Fixed-width bit packing of unsigned integers, least significant bits first: the
/// encoding of doc-id deltas and term frequencies in postings blocks.
enum BitPacking {
    /// Bits needed for the largest of `values`.
    static func width(_ values: ArraySlice<UInt32>) -> Int {
        let m = values.max() ?? 0
        return m == 0 ? 0 : 32 - m.leadingZeroBitCount
    }

    static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) / 8 }

    static func pack(_ values: ArraySlice<UInt32>, width: Int, into out: inout [UInt8]) {
        guard width > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        for v in values {
            acc |= UInt64(v) << UInt64(bits)
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
    }

    /// Unpacks `count` values of `width` bits from `bytes` starting at `offset`. Reads a
    /// little-endian word per value where eight bytes are in bounds, bytes near the end.
    /// The caller has checked that the packed values lie inside `bytes`.
    @inline(__always)
    static func unpack(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        guard width > 0, let base = bytes.baseAddress else {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let lastWordStart = bytes.count - 8
        var bit = offset * 8
        var i = 0
        while i < count, bit >> 3 <= lastWordStart {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += width
            i += 1
        }
        while i < count {
            var acc: UInt64 = 0
            let first = bit >> 3
            for k in 0..<min(5, bytes.count - first) { acc |= UInt64(bytes[first + k]) << UInt64(8 * k) }
            out[i] = UInt32(truncatingIfNeeded: (acc >> UInt64(bit & 7)) & mask)
            bit += width
            i += 1
        }
    }
}
