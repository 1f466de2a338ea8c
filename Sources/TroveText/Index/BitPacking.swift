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

    /// Unpacks `count` values of `width` bits from `bytes` starting at `offset`.
    @inline(__always)
    static func unpack(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, width: Int, into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        guard width > 0 else {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var acc: UInt64 = 0
        var bits = 0
        var p = offset
        for _ in 0..<count {
            while bits < width {
                acc |= UInt64(bytes[p]) << UInt64(bits)
                p += 1
                bits += 8
            }
            out.append(UInt32(acc & mask))
            acc >>= UInt64(width)
            bits -= width
        }
    }
}
