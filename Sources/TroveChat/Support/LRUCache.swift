import Synchronization

/// A thread-safe cache of at most `capacity` entries that drops the least recently used
/// one to make room. Get, put and remove are O(1): a dictionary finds an entry's slot, and
/// a doubly linked list threaded through an array by index (no node objects for ARC to
/// count) keeps the recency order.
public final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The most entries kept; at least 1.
    public let capacity: Int
    private let state: Mutex<State>

    /// `capacity` below 1 is taken as 1, so a put always keeps what it stores.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.state = Mutex(State())
    }

    /// The value for `key`, now the most recently used, or nil (counted as a miss).
    public func get(_ key: Key) -> Value? {
        state.withLock { $0.get(key) }
    }

    /// The value for `key` if `isValid` accepts it. A value it refuses is removed and the
    /// lookup counts as a miss, all under one lock, so a concurrent put of a fresh value
    /// is never removed in its place.
    public func get(_ key: Key, where isValid: (Value) -> Bool) -> Value? {
        state.withLock { s in
            guard let slot = s.slots[key] else {
                s.misses += 1
                return nil
            }
            guard isValid(s.nodes[slot].value) else {
                _ = s.delete(at: slot)
                s.misses += 1
                return nil
            }
            s.hits += 1
            s.touch(slot)
            return s.nodes[slot].value
        }
    }

    /// Whether `key` has a value; neither refreshes it nor counts in `stats`.
    public func contains(_ key: Key) -> Bool {
        state.withLock { $0.slots[key] != nil }
    }

    /// Stores `value` for `key` as the most recently used entry, evicting the least
    /// recently used one if the cache is full and `key` is new.
    public func put(_ key: Key, _ value: Value) {
        let capacity = self.capacity
        state.withLock { $0.put(key, value, capacity: capacity) }
    }

    /// Removes `key`'s entry; returns its value if there was one.
    @discardableResult
    public func remove(_ key: Key) -> Value? {
        state.withLock { s in
            guard let slot = s.slots[key] else { return nil }
            return s.delete(at: slot)
        }
    }

    /// Removes every entry; the hit and miss counts are kept.
    public func removeAll() {
        state.withLock { s in
            s.nodes.removeAll()
            s.slots.removeAll()
            s.head = -1
            s.tail = -1
        }
    }

    /// How many entries are stored.
    public var count: Int {
        state.withLock { $0.nodes.count }
    }

    /// The keys from most to least recently used (the next to be evicted is last).
    public var keys: [Key] {
        state.withLock { s in
            var result: [Key] = []
            result.reserveCapacity(s.nodes.count)
            var slot = s.head
            while slot >= 0 {
                result.append(s.nodes[slot].key)
                slot = s.nodes[slot].next
            }
            return result
        }
    }

    /// Lookups that found a value and lookups that did not, since the cache was made.
    public var stats: (hits: Int, misses: Int) {
        state.withLock { (hits: $0.hits, misses: $0.misses) }
    }

    /// Entries live densely in `nodes`; `prev` and `next` are indexes into it, -1 for none.
    /// `head` is the most recently used entry, `tail` the least.
    private struct State {
        struct Node {
            var key: Key
            var value: Value
            var prev: Int
            var next: Int
        }

        var nodes: [Node] = []
        var slots: [Key: Int] = [:]
        var head = -1
        var tail = -1
        var hits = 0
        var misses = 0

        mutating func get(_ key: Key) -> Value? {
            guard let slot = slots[key] else {
                misses += 1
                return nil
            }
            hits += 1
            touch(slot)
            return nodes[slot].value
        }

        mutating func put(_ key: Key, _ value: Value, capacity: Int) {
            if let slot = slots[key] {
                nodes[slot].value = value
                touch(slot)
                return
            }
            if nodes.count >= capacity, tail >= 0 { _ = delete(at: tail) }
            nodes.append(Node(key: key, value: value, prev: -1, next: -1))
            let slot = nodes.count - 1
            slots[key] = slot
            pushFront(slot)
        }

        /// Makes `slot` the most recently used.
        mutating func touch(_ slot: Int) {
            guard head != slot else { return }
            unlink(slot)
            pushFront(slot)
        }

        mutating func unlink(_ slot: Int) {
            let prev = nodes[slot].prev
            let next = nodes[slot].next
            if prev >= 0 { nodes[prev].next = next } else { head = next }
            if next >= 0 { nodes[next].prev = prev } else { tail = prev }
            nodes[slot].prev = -1
            nodes[slot].next = -1
        }

        mutating func pushFront(_ slot: Int) {
            nodes[slot].prev = -1
            nodes[slot].next = head
            if head >= 0 { nodes[head].prev = slot } else { tail = slot }
            head = slot
        }

        /// Removes the entry at `slot` and returns its value. The last node moves into the
        /// hole (its neighbours and its dictionary entry follow), so the array stays dense
        /// and holds no stale values.
        mutating func delete(at slot: Int) -> Value {
            unlink(slot)
            let removed = nodes[slot]
            slots[removed.key] = nil
            let last = nodes.count - 1
            if slot != last {
                let moved = nodes[last]
                nodes[slot] = moved
                slots[moved.key] = slot
                if moved.prev >= 0 { nodes[moved.prev].next = slot } else { head = slot }
                if moved.next >= 0 { nodes[moved.next].prev = slot } else { tail = slot }
            }
            nodes.removeLast()
            return removed.value
        }
    }
}
