/// A set of row ids as a bitmap: the rows a filter allows (tenant, time range, ids,
/// not deleted). Applied inside scans, never by over-fetching and dropping.
public struct RowSet: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public let capacity: Int
    public private(set) var count: Int

    /// An empty set over rows `0..<capacity`.
    public init(capacity: Int) {
        self.capacity = capacity
        words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
        count = 0
    }

    /// Every row of `0..<capacity`.
    public static func all(_ capacity: Int) -> RowSet {
        var s = RowSet(capacity: capacity)
        for i in s.words.indices { s.words[i] = ~0 }
        if capacity % 64 != 0, !s.words.isEmpty { s.words[s.words.count - 1] = (1 << UInt64(capacity % 64)) - 1 }
        s.count = capacity
        return s
    }

    public init<S: Sequence>(capacity: Int, rows: S) where S.Element == Int {
        self.init(capacity: capacity)
        for r in rows where r >= 0 && r < capacity { insert(r) }
    }

    @inline(__always)
    public func contains(_ row: Int) -> Bool {
        row >= 0 && row < capacity && words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    public mutating func insert(_ row: Int) {
        let bit: UInt64 = 1 << UInt64(row & 63)
        if words[row >> 6] & bit == 0 {
            words[row >> 6] |= bit
            count += 1
        }
    }

    public mutating func remove(_ row: Int) {
        let bit: UInt64 = 1 << UInt64(row & 63)
        if words[row >> 6] & bit != 0 {
            words[row >> 6] &= ~bit
            count -= 1
        }
    }

    /// Removes every row whose bit is set in `bitmap` (a delete set's words).
    public mutating func subtract(bitmap: [UInt64]) {
        for i in 0..<min(words.count, bitmap.count) where words[i] & bitmap[i] != 0 {
            count -= (words[i] & bitmap[i]).nonzeroBitCount
            words[i] &= ~bitmap[i]
        }
    }

    /// Keeps only the rows `other` also holds.
    public mutating func intersect(_ other: RowSet) {
        var total = 0
        for i in words.indices {
            words[i] &= i < other.words.count ? other.words[i] : 0
            total += words[i].nonzeroBitCount
        }
        count = total
    }

    /// Adds every row `other` holds (rows beyond this set's capacity are ignored).
    public mutating func formUnion(_ other: RowSet) {
        var total = 0
        for i in words.indices {
            if i < other.words.count { words[i] |= other.words[i] }
            if i == words.count - 1, capacity % 64 != 0 { words[i] &= (1 << UInt64(capacity % 64)) - 1 }
            total += words[i].nonzeroBitCount
        }
        count = total
    }

    /// The smallest member ≥ `row`, or nil: lets a scan jump over the rows a selective
    /// filter leaves out instead of visiting each one.
    public func next(from row: Int) -> Int? {
        guard row < capacity else { return nil }
        var i = max(0, row) >> 6
        var w = words[i] & (~0 << UInt64(max(0, row) & 63))
        while w == 0 {
            i += 1
            guard i < words.count else { return nil }
            w = words[i]
        }
        return i * 64 + w.trailingZeroBitCount
    }

    /// The members, ascending.
    public var members: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        for (i, w) in words.enumerated() {
            var x = w
            while x != 0 {
                out.append(i * 64 + x.trailingZeroBitCount)
                x &= x - 1
            }
        }
        return out
    }
}
