/// Should clauses that MaxScore's windows do not take — a phrase among them, or an
/// excluded clause — and no required clause: MaxScore document at a time. The scoring
/// cursors are ordered by their bound in the segment; the lowest ones whose bounds
/// together cannot lift a document past the k-th score are non-essential, so only
/// documents an essential cursor holds are visited, and the others are moved to such a
/// document only when it could still make the top k. `evaluate` then judges it as the
/// exhaustive pass does (a phrase's positions read last, only if it could still enter),
/// so the result is the exhaustive one exactly.
extension SegmentRun {
    func disjunction(_ cursors: inout [TermCursor], phrases: inout PhrasePositions, into top: inout TopHits) throws {
        let excluded = cursors.indices.filter { stats.occurs[cursors[$0].clause] == .mustNot }
        let order = cursors.indices.filter { stats.occurs[cursors[$0].clause] != .mustNot }
            .sorted { cursors[$0].bound < cursors[$1].bound }
        // prefix[k] = Σ bound over order[0...k].
        var prefix: [Float] = []
        var sum: Float = 0
        for i in order { sum += cursors[i].bound; prefix.append(sum) }
        while true {
            let limit = MaxScoreWindows.limit(top.threshold)
            var first = 0
            while first < order.count && prefix[first] <= limit { first += 1 }
            guard first < order.count else { return }
            var doc = Int.max
            for k in first..<order.count { doc = min(doc, cursors[order[k]].doc) }
            guard doc != Int.max else { return }
            var partial: Float = 0
            for k in first..<order.count where cursors[order[k]].doc == doc { partial += cursors[order[k]].score() }
            if partial + (first > 0 ? prefix[first - 1] : 0) > limit, accept?(doc) ?? true {
                for k in 0..<first { try cursors[order[k]].postings.advance(to: doc) }
                for i in excluded { try cursors[i].postings.advance(to: doc) }
                if let entry = try evaluate(doc, cursors, &phrases, top: top) { top.push(entry) }
            }
            for k in first..<order.count where cursors[order[k]].doc == doc { try cursors[order[k]].postings.next() }
        }
    }
}
