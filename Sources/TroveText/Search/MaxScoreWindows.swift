/// Block-max MaxScore for a disjunction of terms in one segment, over windows of doc ids
/// (the scheme of Lucene's MaxScoreBulkScorer, doc-at-a-time inside a window).
///
/// For each window the terms are ordered by their best score inside it (from the skip
/// entries' block bounds). The low terms whose window bounds together cannot lift a
/// document past the current k-th score are "non-essential": only documents the other
/// terms hold are candidates, and a candidate probes the non-essential terms from the
/// highest bound down, stopping as soon as its best possible total (using the bound of
/// the very block the probe would decode) cannot enter the top k. A window where no term
/// is essential is skipped without decoding anything.
///
/// Bounds are sums in another order than the scores, so comparisons keep a 1e-5 relative
/// slack; scores themselves are summed in clause-then-term order, exactly as the
/// exhaustive pass does, so the result equals the exhaustive one bit for bit.
///
/// A class holding its state in raw buffers: the inner loops touch no reference counts
/// and no copy-on-write checks.
final class MaxScoreWindows {
    typealias TermCursor = SegmentRun.TermCursor
    /// A window spans at least this many doc ids, so bounds are not recomputed for tiny ranges.
    static let minimumWindow = 4096
    static let slack = 1 + 1e-5

    private let n: Int
    private let cursors: UnsafeMutablePointer<TermCursor>
    private let accept: (Int) -> Bool
    private let basePosition: Int
    /// Canonical index ranges of the clauses, in clause order.
    private let clauseRanges: [Range<Int>]
    /// Cursor indices in ascending order of window bound.
    private let order: UnsafeMutablePointer<Int>
    private let windowMax: UnsafeMutablePointer<Float>
    /// prefix[k] = Σ windowMax over order[0...k].
    private let prefix: UnsafeMutablePointer<Float>
    private let contributions: UnsafeMutablePointer<Float>
    private let wasEssential: UnsafeMutablePointer<Bool>
    private let touched: UnsafeMutablePointer<Int>
    private var touchedCount = 0
    private var firstEssential = 0

    init(cursors list: [TermCursor], accept: @escaping (Int) -> Bool, basePosition: Int) {
        n = list.count
        cursors = .allocate(capacity: max(1, n))
        cursors.initialize(from: list, count: n)
        self.accept = accept
        self.basePosition = basePosition
        var ranges: [Range<Int>] = []
        var start = 0
        for i in list.indices where i + 1 == n || list[i + 1].clause != list[i].clause {
            ranges.append(start..<(i + 1))
            start = i + 1
        }
        clauseRanges = ranges
        order = .allocate(capacity: max(1, n))
        for i in 0..<n { (order + i).initialize(to: i) }
        windowMax = .allocate(capacity: max(1, n))
        windowMax.initialize(repeating: 0, count: max(1, n))
        prefix = .allocate(capacity: max(1, n))
        prefix.initialize(repeating: 0, count: max(1, n))
        contributions = .allocate(capacity: max(1, n))
        contributions.initialize(repeating: 0, count: max(1, n))
        wasEssential = .allocate(capacity: max(1, n))
        wasEssential.initialize(repeating: true, count: max(1, n))
        touched = .allocate(capacity: max(1, n))
    }

    deinit {
        cursors.deinitialize(count: n)
        cursors.deallocate()
        order.deallocate()
        windowMax.deallocate()
        prefix.deallocate()
        contributions.deallocate()
        wasEssential.deallocate()
        touched.deallocate()
    }

    func run(into top: inout TopHits) throws {
        var from = 0
        while let start = nextStart(from: from) {
            let end = windowEnd(start)
            partition(start, end, threshold: top.threshold)
            if firstEssential < n { try scoreWindow(start, end, into: &top) }
            guard end < Int.max else { return }
            from = end + 1
        }
    }

    /// The lowest doc ≥ `from` any term may hold (nil when every term is exhausted).
    private func nextStart(from: Int) -> Int? {
        var start = Int.max
        for i in 0..<n {
            if cursors[i].doc >= from { start = min(start, cursors[i].doc); continue }
            let b = cursors[i].postings.blockContaining(from)
            if b < cursors[i].postings.blocks { start = min(start, max(from, cursors[i].postings.firstPossibleDoc(ofBlock: b))) }
        }
        return start == Int.max ? nil : start
    }

    /// Ends where the first block of the terms essential last time ends, but not sooner
    /// than `minimumWindow` doc ids after `start`.
    private func windowEnd(_ start: Int) -> Int {
        var end = Int.max
        for i in 0..<n where wasEssential[i] {
            let b = cursors[i].postings.blockContaining(max(start, cursors[i].doc))
            if b < cursors[i].postings.blocks { end = min(end, cursors[i].postings.lastDoc(ofBlock: b)) }
        }
        return max(end, start + Self.minimumWindow - 1)
    }

    private func partition(_ start: Int, _ end: Int, threshold: Double) {
        for i in 0..<n {
            var best: Float = 0
            if cursors[i].doc <= end {
                var b = cursors[i].postings.blockContaining(max(start, cursors[i].doc))
                while b < cursors[i].postings.blocks && cursors[i].postings.firstPossibleDoc(ofBlock: b) <= end {
                    best = max(best, cursors[i].blockScore(b))
                    b += 1
                }
            }
            windowMax[i] = best
        }
        // Insertion sort: few terms, and the order barely changes between windows.
        for k in 1..<max(1, n) {
            let v = order[k]
            var j = k
            while j > 0 && windowMax[order[j - 1]] > windowMax[v] { order[j] = order[j - 1]; j -= 1 }
            order[j] = v
        }
        var sum: Float = 0
        firstEssential = n
        for k in 0..<n {
            sum += windowMax[order[k]]
            prefix[k] = sum
            if firstEssential == n && Double(sum) * Self.slack > threshold { firstEssential = k }
        }
        for k in 0..<n { wasEssential[order[k]] = k >= firstEssential }
    }

    private func scoreWindow(_ start: Int, _ end: Int, into top: inout TopHits) throws {
        for k in firstEssential..<n { try cursors[order[k]].postings.advance(to: start) }
        while firstEssential < n {
            var doc = Int.max
            for k in firstEssential..<n { doc = min(doc, cursors[order[k]].doc) }
            if doc > end || doc == Int.max { return }
            if accept(doc) { try candidate(doc, into: &top) }
            for k in firstEssential..<n where cursors[order[k]].doc == doc { try cursors[order[k]].postings.next() }
            let threshold = top.threshold
            while firstEssential < n && Double(prefix[firstEssential]) * Self.slack <= threshold {
                wasEssential[order[firstEssential]] = false
                firstEssential += 1
            }
        }
    }

    private func candidate(_ doc: Int, into top: inout TopHits) throws {
        for t in 0..<touchedCount { contributions[touched[t]] = 0 }
        touchedCount = 0
        var partial: Float = 0
        for k in firstEssential..<n where cursors[order[k]].doc == doc { partial += add(order[k]) }
        let threshold = top.threshold
        for k in stride(from: firstEssential - 1, through: 0, by: -1) {
            if Double(partial + prefix[k]) * Self.slack <= threshold { return }
            let i = order[k]
            if cursors[i].doc < doc {
                let b = cursors[i].postings.blockContaining(doc)
                guard b < cursors[i].postings.blocks, cursors[i].postings.firstPossibleDoc(ofBlock: b) <= doc else { continue }
                let rest = k > 0 ? prefix[k - 1] : 0
                if Double(partial + cursors[i].blockScore(b) + rest) * Self.slack <= threshold { return }
                try cursors[i].postings.advance(to: doc)
            }
            if cursors[i].doc == doc { partial += add(i) }
        }
        let score = canonicalSum()
        top.push(TopHits.Entry(key: Double(score), position: basePosition + doc, score: score, sortValue: nil))
    }

    @inline(__always)
    private func add(_ i: Int) -> Float {
        let s = cursors[i].score()
        let c = cursors[i].canonical
        contributions[c] = s
        touched[touchedCount] = c
        touchedCount += 1
        return s
    }

    /// Σ over clauses in order of Σ over their terms in order: the exhaustive pass's order.
    private func canonicalSum() -> Float {
        var total: Float = 0
        for r in clauseRanges {
            var s: Float = 0
            for i in r { s += contributions[i] }
            total += s
        }
        return total
    }
}
