/// A Bloom filter over 64-bit id hashes: about 10 bits and 7 probes per id, so a lookup
/// of an id a segment does not hold touches its hash table about 1% of the time.
/// Probe i tests bit (h + i·d) mod m, with d = (h >> 32 | h << 32) | 1.
struct BloomFilter {
    static let bitsPerKey = 10
    static let probes: UInt32 = 7

    /// The section bytes: probes(4) reserved(4) bit count(8) words(8 each).
    static func build(hashes: [UInt64]) -> [UInt8] {
        let bits = UInt64(max(64, (hashes.count * bitsPerKey + 63) / 64 * 64))
        var words = [UInt64](repeating: 0, count: Int(bits / 64))
        for h in hashes {
            var x = h
            let d = (h >> 32 | h << 32) | 1
            for _ in 0..<probes {
                let bit = x % bits
                words[Int(bit >> 6)] |= 1 << (bit & 63)
                x = x &+ d
            }
        }
        var w = ByteWriter(capacity: 16 + words.count * 8)
        w.u32(probes)
        w.u32(0)
        w.u64(bits)
        for word in words { w.u64(word) }
        return w.bytes
    }

    let words: UnsafeRawBufferPointer
    let bits: UInt64
    let probes: UInt32

    /// Reads a filter section; `nil` when its header does not describe its size.
    init?(section: UnsafeRawBufferPointer) {
        guard section.count >= 16 else { return nil }
        var r = ByteReader(section)
        guard let k = try? r.u32(), (try? r.u32()) != nil, let m = try? r.u64() else { return nil }
        guard k > 0, k <= 32, m >= 64, m % 64 == 0, UInt64(section.count - 16) == m / 8 else { return nil }
        probes = k
        bits = m
        words = UnsafeRawBufferPointer(rebasing: section[16...])
    }

    func mayContain(_ h: UInt64) -> Bool {
        var x = h
        let d = (h >> 32 | h << 32) | 1
        for _ in 0..<probes {
            let bit = x % bits
            let word = UInt64(littleEndian: words.loadUnaligned(fromByteOffset: Int(bit >> 6) * 8, as: UInt64.self))
            if word & (1 << (bit & 63)) == 0 { return false }
            x = x &+ d
        }
        return true
    }
}
