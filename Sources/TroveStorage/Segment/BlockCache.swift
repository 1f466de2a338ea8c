import Synchronization

/// A least-recently-used cache of decompressed document blocks, bounded in bytes and
/// shared by all segments of a store. Random `get`s by id hit it instead of zstd.
public final class BlockCache: Sendable {
    struct Key: Hashable { let segment: UInt64; let block: Int32 }

    private final class Node {
        let key: Key
        let block: [UInt8]
        var prev: Node?
        var next: Node?
        init(key: Key, block: [UInt8]) { self.key = key; self.block = block }
    }

    private struct Inner {
        var map: [Key: Node] = [:]
        var head: Node?  // most recent
        var tail: Node?  // least recent
        var bytes = 0
    }

    private let inner = Mutex(Inner())
    public let capacity: Int

    public init(capacityBytes: Int) { capacity = capacityBytes }

    func get(segment: UInt64, block: Int) -> [UInt8]? {
        inner.withLock { s in
            guard let node = s.map[Key(segment: segment, block: Int32(block))] else { return nil }
            Self.unlink(node, &s)
            Self.pushFront(node, &s)
            return node.block
        }
    }

    func put(segment: UInt64, block: Int, bytes: [UInt8]) {
        guard capacity > 0, bytes.count <= capacity else { return }
        inner.withLock { s in
            let key = Key(segment: segment, block: Int32(block))
            if s.map[key] != nil { return }
            let node = Node(key: key, block: bytes)
            s.map[key] = node
            Self.pushFront(node, &s)
            s.bytes += bytes.count
            while s.bytes > capacity, let last = s.tail {
                Self.unlink(last, &s)
                s.map[last.key] = nil
                s.bytes -= last.block.count
            }
        }
    }

    /// Drops every block of a segment that is gone.
    func evict(segment: UInt64) {
        inner.withLock { s in
            for (key, node) in s.map where key.segment == segment {
                Self.unlink(node, &s)
                s.map[key] = nil
                s.bytes -= node.block.count
            }
        }
    }

    private static func unlink(_ n: Node, _ s: inout Inner) {
        if let p = n.prev { p.next = n.next } else { s.head = n.next }
        if let x = n.next { x.prev = n.prev } else { s.tail = n.prev }
        n.prev = nil
        n.next = nil
    }

    private static func pushFront(_ n: Node, _ s: inout Inner) {
        n.next = s.head
        s.head?.prev = n
        s.head = n
        if s.tail == nil { s.tail = n }
    }
}
