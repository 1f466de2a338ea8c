/// The smallest and largest value of a numeric column in each window of `size`
/// consecutive ordinals, and the windows ordered best-first for either direction: what
/// lets a search sorted by the column visit the windows that can hold the best values
/// first and stop when no remaining window can beat the k-th value it holds. Documents
/// arriving in time order make the newest window the first and, usually, the last one read.
struct ColumnWindows: Sendable {
    struct Window: Sendable {
        let lo: Int
        let hi: Int
        let min: Int64
        let max: Int64
    }

    static let size = 128

    /// Windows holding at least one value, in ordinal order.
    let windows: [Window]
    /// Indexes into `windows`: by largest value, descending; by smallest value, ascending.
    let descending: [Int32]
    let ascending: [Int32]

    init(_ column: NumericColumn, docCount: Int) {
        var windows: [Window] = []
        var lo = 0
        while lo < docCount {
            let hi = Swift.min(docCount, lo + Self.size)
            var low = Int64.max, high = Int64.min, any = false
            for o in lo..<hi {
                guard let v = column.value(o) else { continue }
                any = true
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            if any { windows.append(Window(lo: lo, hi: hi, min: low, max: high)) }
            lo = hi
        }
        self.windows = windows
        descending = windows.indices.sorted { windows[$0].max > windows[$1].max }.map(Int32.init)
        ascending = windows.indices.sorted { windows[$0].min < windows[$1].min }.map(Int32.init)
    }

    /// Windows best-first for the direction.
    func order(descending: Bool) -> [Int32] { descending ? self.descending : ascending }

    /// The best key (as `TopHits` keys values) any document of window `w` can have.
    func bestKey(_ w: Window, descending: Bool) -> Double { descending ? Double(w.max) : -Double(w.min) }

    /// The best key of the whole column, or nil when it holds no value.
    func bestKey(descending: Bool) -> Double? {
        order(descending: descending).first.map { bestKey(windows[Int($0)], descending: descending) }
    }
}
