extension SegmentRun {
    /// Below this many postings in the segment, one forward pass is cheaper than visiting
    /// windows out of order.
    static let windowedMinimumPostings = 1024

    /// The top hits by the sort column: windows of ordinals best value first, each read
    /// with the cursors repositioned to its start; once the best value a window can hold
    /// cannot enter `top`, neither can any later window, and the segment is done. Exact:
    /// a window is skipped only when none of its documents could be kept. Under a filter
    /// that allows fewer documents than there are postings, one pass from allowed
    /// document to allowed document is cheaper than any window.
    func collectByField(_ cursors: inout [TermCursor], into top: inout TopHits) throws {
        guard let sort else { return }
        var phrases = try PhrasePositions(self, eager: true, arena: QueryArena())
        var postings = 0
        for c in cursors where stats.occurs[c.clause] != .mustNot { postings += c.postings.df }
        let leapfrog = sparseAllowed.map { leapfrogPays($0, cursors) } ?? false
        guard let windows, postings >= Self.windowedMinimumPostings, !leapfrog else {
            return try scan(&cursors, phrases: &phrases, below: Int.max, into: &top, pruning: false)
        }
        for w in windows.order(descending: sort.descending) {
            let window = windows.windows[Int(w)]
            if let r = sortRange, r.from.map({ window.max < $0 }) ?? false || r.to.map({ window.min >= $0 }) ?? false { continue }
            let best = windows.bestKey(window, descending: sort.descending)
            if !top.admits(key: best, position: basePosition + window.lo) {
                if best < top.threshold { return }
                continue
            }
            for i in cursors.indices { try cursors[i].postings.seek(to: window.lo) }
            try scan(&cursors, phrases: &phrases, below: window.hi, into: &top, pruning: false)
        }
    }
}
