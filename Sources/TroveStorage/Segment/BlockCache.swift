import Synchronization

/// A cache of decompressed document blocks, bounded in bytes and shared by all segments
/// of a store, so that reads by id mostly skip zstd. Eviction is CLOCK (second chance):
/// a hit only sets a flag in a contiguous slot array, which costs far less than moving a
/// node in a linked LRU list, and evicts nearly as well.
public final class BlockCache: Sendable {
    struct Key: Hashable { let segment: UInt64; let block: Int32 }

    private struct Slot {
        var key: Key
        var block: [UInt8]
        var referenced: Bool
    }

    private struct Inner {
        var slots: [Slot] = []
        var index: [Key: Int] = [:]
        var hand = 0
        var bytes = 0
    }

    private let inner = Mutex(Inner())
    public let capacity: Int

    public init(capacityBytes: Int) { capacity = capacityBytes }

    func get(segment: UInt64, block: Int) -> [UInt8]? {
        inner.withLock { s in
            guard let i = s.index[Key(segment: segment, block: Int32(block))] else { return nil }
            s.slots[i].referenced = true
            return s.slots[i].block
        }
    }

    func put(segment: UInt64, block: Int, bytes: [UInt8]) {
        guard capacity > 0, bytes.count <= capacity else { return }
        inner.withLock { s in
            let key = Key(segment: segment, block: Int32(block))
            if s.index[key] != nil { return }
            while s.bytes + bytes.count > capacity, !s.slots.isEmpty { Self.evictOne(&s) }
            s.index[key] = s.slots.count
            s.slots.append(Slot(key: key, block: bytes, referenced: false))
            s.bytes += bytes.count
        }
    }

    /// Advances the hand past referenced slots (clearing their flag) and removes the first
    /// unreferenced one, moving the last slot into its place.
    private static func evictOne(_ s: inout Inner) {
        while true {
            if s.hand >= s.slots.count { s.hand = 0 }
            if s.slots[s.hand].referenced {
                s.slots[s.hand].referenced = false
                s.hand += 1
                continue
            }
            remove(at: s.hand, &s)
            return
        }
    }

    private static func remove(at i: Int, _ s: inout Inner) {
        s.bytes -= s.slots[i].block.count
        s.index[s.slots[i].key] = nil
        let last = s.slots.count - 1
        if i != last {
            s.slots.swapAt(i, last)
            s.index[s.slots[i].key] = i
        }
        s.slots.removeLast()
    }

    /// Drops every block of a segment that is gone.
    func evict(segment: UInt64) {
        inner.withLock { s in
            var i = 0
            while i < s.slots.count {
                if s.slots[i].key.segment == segment { Self.remove(at: i, &s) } else { i += 1 }
            }
        }
    }
}
