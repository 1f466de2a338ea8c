/// The ordinals of a segment (or memtable) whose documents are deleted or replaced.
/// A value type: a snapshot keeps the set it saw while the writer goes on adding.
public struct DeleteSet: Sendable, Equatable {
    public private(set) var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    init(words: [UInt64]) {
        self.words = words
        count = words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    @inline(__always)
    public func contains(_ ordinal: Int) -> Bool {
        let w = ordinal >> 6
        return w < words.count && words[w] & (1 << UInt64(ordinal & 63)) != 0
    }

    /// Adds `ordinal`; returns false when it was there already.
    @discardableResult
    public mutating func insert(_ ordinal: Int) -> Bool {
        let w = ordinal >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w + 1 - words.count)) }
        let bit: UInt64 = 1 << UInt64(ordinal & 63)
        if words[w] & bit != 0 { return false }
        words[w] |= bit
        count += 1
        return true
    }

    /// Ordinals in `self` but not in `older`, ascending (what changed since `older`).
    func added(since older: DeleteSet) -> [Int] {
        var out: [Int] = []
        for (i, word) in words.enumerated() {
            var diff = word & ~(i < older.words.count ? older.words[i] : 0)
            while diff != 0 {
                out.append(i * 64 + diff.trailingZeroBitCount)
                diff &= diff - 1
            }
        }
        return out
    }
}
