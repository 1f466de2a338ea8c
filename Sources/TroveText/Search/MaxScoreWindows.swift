/// Block-max MaxScore for a disjunction of terms in one segment, over fixed windows of
/// doc ids (the scheme of Lucene's MaxScoreBulkScorer).
///
/// For each window the terms are ordered by their best score inside it (from the skip
/// entries' block bounds). The low terms whose window bounds together cannot lift a
/// document past the current k-th score are "non-essential"; a window where every term
/// is non-essential is skipped without decoding anything. The essential terms' postings
/// in the window are scored term-at-a-time into per-window buffers; each document they
/// hold whose partial score plus the non-essential bounds can still enter the top k
/// probes the non-essential terms from the highest bound down, stopping as soon as its
/// best possible total (using the bound of the very block a probe would decode) cannot.
///
/// Bounds are sums in another order than the scores, so comparisons keep a 1e-5 relative
/// slack; scores themselves are summed in clause-then-term order, exactly as the
/// exhaustive pass does, so the result equals the exhaustive one bit for bit.
///
/// A class holding its state in raw buffers: the inner loops touch no reference counts
/// and no copy-on-write checks.
final class MaxScoreWindows {
    typealias TermCursor = SegmentRun.TermCursor
    /// Doc ids per window.
    static let window = 4096
    static let words = window / 64
    /// Doc ids per stretch of the window with its own bound on the non-essential terms.
    static let stretch = 128
    static let stretches = window / stretch
    static let slack = 1 + 1e-5

    private let n: Int
    private let cursors: UnsafeMutablePointer<TermCursor>
    /// Deletes and range filter; nil when every doc passes.
    private let accept: ((Int) -> Bool)?
    private let basePosition: Int
    /// Canonical index ranges of the clauses, in clause order.
    private let clauseRanges: [Range<Int>]
    /// Cursor indices in ascending order of window bound.
    private let order: UnsafeMutablePointer<Int>
    private let windowMax: UnsafeMutablePointer<Float>
    /// prefix[k] = Σ windowMax over order[0...k].
    private let prefix: UnsafeMutablePointer<Float>
    private var firstEssential = 0
    /// Per window doc: the sum of the essential terms' scores (in no particular order);
    /// zero again once the window's hits are read.
    private let partials: UnsafeMutablePointer<Float>
    /// Per window doc: whether any essential term holds it.
    private let hits: UnsafeMutablePointer<UInt64>
    /// Per cursor, per window doc: its score there, valid where `termHits` says so.
    private let termScores: UnsafeMutablePointer<Float>
    private let termHits: UnsafeMutablePointer<UInt64>
    /// Per stretch: Σ over the non-essential terms of their best block bound there (then
    /// one term's bounds, as scratch).
    private let stretchBounds: UnsafeMutablePointer<Float>
    /// Per canonical index: a candidate's contribution of each term.
    private let contributions: UnsafeMutablePointer<Float>

    init(cursors list: [TermCursor], accept: ((Int) -> Bool)?, basePosition: Int) {
        n = list.count
        let slots = max(1, n)
        cursors = .allocate(capacity: slots)
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
        order = .allocate(capacity: slots)
        for i in 0..<slots { (order + i).initialize(to: i) }
        windowMax = .allocate(capacity: slots)
        windowMax.initialize(repeating: 0, count: slots)
        prefix = .allocate(capacity: slots)
        prefix.initialize(repeating: 0, count: slots)
        partials = .allocate(capacity: Self.window)
        partials.initialize(repeating: 0, count: Self.window)
        hits = .allocate(capacity: Self.words)
        hits.initialize(repeating: 0, count: Self.words)
        termScores = .allocate(capacity: slots * Self.window)
        termHits = .allocate(capacity: slots * Self.words)
        termHits.initialize(repeating: 0, count: slots * Self.words)
        contributions = .allocate(capacity: slots)
        contributions.initialize(repeating: 0, count: slots)
        stretchBounds = .allocate(capacity: 2 * Self.stretches)
        stretchBounds.initialize(repeating: 0, count: 2 * Self.stretches)
    }

    deinit {
        cursors.deinitialize(count: n)
        for p in [order.deallocate, windowMax.deallocate, prefix.deallocate, partials.deallocate, hits.deallocate,
                  termScores.deallocate, termHits.deallocate, contributions.deallocate, stretchBounds.deallocate,
                  cursors.deallocate] { p() }
    }

    func run(into top: inout TopHits) throws {
        var from = 0
        while let start = nextStart(from: from) {
            let end = start + Self.window - 1
            partition(start, end, threshold: top.threshold)
            if firstEssential < n { try scoreWindow(start, end, into: &top) }
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
            if firstEssential == n && sum > Self.limit(threshold) { firstEssential = k }
        }
    }

    /// Scores the essential terms' postings in the window, then checks each doc they hold.
    private func scoreWindow(_ start: Int, _ end: Int, into top: inout TopHits) throws {
        hits.update(repeating: 0, count: Self.words)
        for k in firstEssential..<n {
            let i = order[k]
            let scores = termScores + i * Self.window, bits = termHits + i * Self.words
            bits.update(repeating: 0, count: Self.words)
            try cursors[i].postings.advance(to: start)
            let (weight, bm25, norms, factors) = (cursors[i].weight, cursors[i].bm25, cursors[i].norms, cursors[i].lengthFactors)
            let partials = self.partials
            try cursors[i].postings.forEach(through: end) { doc, tf in
                let off = doc - start
                let s = bm25.score(weight: weight, tf: tf, lengthFactor: factors[Int(norms[doc])])
                scores[off] = s
                partials[off] += s
                bits[off >> 6] |= 1 << UInt64(off & 63)
            }
            for w in 0..<Self.words { hits[w] |= bits[w] }
        }
        boundStretches(start, end)
        // The k-th score only changes when a candidate enters the top k.
        var limit = Self.limit(top.threshold)
        for w in 0..<Self.words {
            var word = hits[w]
            while word != 0 {
                let off = w << 6 | word.trailingZeroBitCount
                word &= word - 1
                // Read and reset: the buffer is clean for the next window without a sweep.
                let partial = partials[off]
                partials[off] = 0
                guard partial + stretchBounds[off / Self.stretch] > limit, accept?(start + off) ?? true else { continue }
                try candidate(start + off, off, partial, into: &top)
                limit = Self.limit(top.threshold)
            }
        }
    }

    /// Fills `stretchBounds`: per stretch of the window, the non-essential terms' best
    /// possible total there, from the bounds of the blocks that overlap it.
    private func boundStretches(_ start: Int, _ end: Int) {
        stretchBounds.update(repeating: 0, count: Self.stretches)
        let termBest = stretchBounds + Self.stretches
        for k in 0..<firstEssential {
            let i = order[k]
            let from = max(start, cursors[i].doc)
            guard from <= end else { continue }
            termBest.update(repeating: 0, count: Self.stretches)
            var b = cursors[i].postings.blockContaining(from)
            while b < cursors[i].postings.blocks && cursors[i].postings.firstPossibleDoc(ofBlock: b) <= end {
                let s = cursors[i].blockScore(b)
                let lo = (max(from, cursors[i].postings.firstPossibleDoc(ofBlock: b)) - start) / Self.stretch
                let hi = (min(end, cursors[i].postings.lastDoc(ofBlock: b)) - start) / Self.stretch
                // Skip entries out of order (a damaged file) give an empty range, not a trap;
                // the block's own load reports the damage.
                if lo <= hi { for j in lo...hi { termBest[j] = max(termBest[j], s) } }
                b += 1
            }
            for j in 0..<Self.stretches { stretchBounds[j] += termBest[j] }
        }
    }

    /// Probes the non-essential terms for one doc the essential ones hold; pushes it when
    /// it makes the top k. `partial` bounds only: the score pushed is the canonical sum.
    private func candidate(_ doc: Int, _ off: Int, _ essential: Float, into top: inout TopHits) throws {
        var partial = essential
        let limit = Self.limit(top.threshold)
        for k in stride(from: firstEssential - 1, through: 0, by: -1) {
            if partial + prefix[k] <= limit { return }
            let i = order[k]
            if cursors[i].doc < doc {
                let b = cursors[i].postings.blockContaining(doc)
                guard b < cursors[i].postings.blocks, cursors[i].postings.firstPossibleDoc(ofBlock: b) <= doc else { continue }
                if partial + cursors[i].cachedBlockScore(b) + (k > 0 ? prefix[k - 1] : 0) <= limit { return }
                try cursors[i].postings.advance(to: doc)
            }
            if cursors[i].doc == doc { partial += cursors[i].score() }
        }
        // It may enter the top k: its exact score, summed in the canonical order.
        for k in 0..<n {
            let i = order[k]
            var s: Float = 0
            if k >= firstEssential {
                if (termHits[i * Self.words + (off >> 6)] >> UInt64(off & 63)) & 1 != 0 { s = termScores[i * Self.window + off] }
            } else if cursors[i].doc == doc {
                s = cursors[i].score()
            }
            contributions[cursors[i].canonical] = s
        }
        let score = canonicalSum()
        top.push(TopHits.Entry(key: Double(score), position: basePosition + doc, score: score, sortValue: nil))
    }

    /// The largest bound that cannot beat `threshold`, slack included: a bound at or
    /// below it prunes. (Float rounding here is far inside the slack.)
    @inline(__always)
    static func limit(_ threshold: Double) -> Float { Float(threshold / slack) }

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
