import Foundation

/// Interns the terms of a segment being built: term bytes → a dense id, without a
/// String or a heap object per term. Open addressing over a power-of-two slot array
/// (load at most one half), term bytes kept end to end in one arena. Each slot holds the
/// high half of its term's hash beside the id, so a probe compares bytes only when the
/// hashes agree, without reading another array first.
struct TermTable {
    /// 0 when empty, else hash's high 32 bits << 32 | (id + 1).
    private var slots: [UInt64]
    private var hashes: [UInt64] = []
    private var starts: [Int] = [0]
    private(set) var arena: [UInt8] = []

    init() { slots = [UInt64](repeating: 0, count: 1024) }

    var count: Int { hashes.count }

    /// The bytes of term `id`.
    func bytes(of id: Int) -> ArraySlice<UInt8> { arena[starts[id]..<starts[id + 1]] }

    /// The id of `term`, adding it when new.
    mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> Int {
        let h = Self.hash(term)
        let (found, slot) = find(term, hash: h)
        if found >= 0 { return found }
        let id = hashes.count
        slots[slot] = Self.entry(hash: h, id: id)
        hashes.append(h)
        arena.append(contentsOf: term)
        starts.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    @inline(__always)
    private static func entry(hash h: UInt64, id: Int) -> UInt64 { (h & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1) }

    /// The term's id and slot, or −1 and the empty slot where it would go.
    @inline(__always)
    private func find(_ term: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (id: Int, slot: Int) {
        slots.withUnsafeBufferPointer { slots in
            starts.withUnsafeBufferPointer { starts in
                arena.withUnsafeBufferPointer { arena in
                    let mask = slots.count - 1
                    let tag = h >> 32
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let e = slots[slot]
                        if e == 0 { return (-1, slot) }
                        if e >> 32 == tag {
                            let id = Int(e & 0xFFFF_FFFF) - 1
                            let start = starts[id], length = starts[id + 1] - start
                            if length == term.count {
                                guard length > 0, let a = arena.baseAddress, let t = term.baseAddress else { return (id, slot) }
                                if memcmp(a + start, t, length) == 0 { return (id, slot) }
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Self.entry(hash: h, id: id)
        }
    }

    /// Eight bytes at a time (a term is rarely longer than two words), each word mixed in
    /// by a multiply and a shift, then a finaliser so the low bits (the slot) depend on
    /// every byte. In memory only: no file holds these hashes.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}
