/// The 64-bit hash of a document id used by the segment id table and Bloom filter:
/// FNV-1a over the UTF-8 bytes, then MurmurHash3's fmix64 finaliser so that ids which
/// differ only in their last characters still spread over all 64 bits.
public enum IDHash {
    /// Hashes the UTF-8 bytes of `id`.
    public static func hash(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Hashes raw bytes.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return mix(h)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
