/// Should clauses that MaxScore's windows do not take — a phrase among them, or an
/// excluded clause — and no required clause: MaxScore document at a time over clauses.
/// A clause's bound is the sum of its terms' bounds in the segment; the lowest clauses
/// whose bounds together cannot lift a document past the k-th score are non-essential,
/// so only documents an essential clause holds are visited — for a phrase, documents that
/// hold all its terms (its cursors leapfrog to one) — and the other clauses' cursors are
/// moved to such a document only when it could still make the top k. `evaluate` then
/// judges it as the exhaustive pass does (positions read last, only if it could still
/// enter), so the result is the exhaustive one exactly.
extension SegmentRun {
    private struct Unit {
        var cursors: [Int]
        var phrase: Bool
        var bound: Float
        /// For a phrase, each cursor a group of its own: all of them must agree.
        var groups: [[Int]]
    }

    func disjunction(_ cursors: inout [TermCursor], phrases: inout PhrasePositions, into top: inout TopHits) throws {
        let excluded = cursors.indices.filter { stats.occurs[cursors[$0].clause] == .mustNot }
        var units: [Unit] = []
        for c in stats.occurs.indices where stats.occurs[c] != .mustNot {
            let mine = cursors.indices.filter { cursors[$0].clause == c }
            let phrase = stats.phraseOffsets[c] != nil
            // A phrase with a term this segment lacks cannot match here.
            guard !mine.isEmpty, !phrase || mine.count == stats.termCounts[c] else { continue }
            units.append(Unit(cursors: mine, phrase: phrase, bound: mine.reduce(Float(0)) { $0 + cursors[$1].bound },
                              groups: phrase ? mine.map { [$0] } : []))
        }
        units.sort { $0.bound < $1.bound }
        // prefix[k] = Σ bound over units[0...k].
        var prefix: [Float] = []
        var sum: Float = 0
        for u in units { sum += u.bound; prefix.append(sum) }
        var at = [Int](repeating: -1, count: units.count)
        while true {
            let limit = MaxScoreWindows.limit(top.threshold)
            var first = 0
            while first < units.count && prefix[first] <= limit { first += 1 }
            guard first < units.count else { return }
            var doc = Int.max
            for k in first..<units.count {
                at[k] = try position(units[k], &cursors)
                doc = min(doc, at[k])
            }
            guard doc != Int.max else { return }
            var partial: Float = 0
            for k in first..<units.count where at[k] == doc {
                for i in units[k].cursors where cursors[i].doc == doc { partial += cursors[i].score() }
            }
            if partial + (first > 0 ? prefix[first - 1] : 0) > limit, accept?(doc) ?? true {
                for k in 0..<first { for i in units[k].cursors { try cursors[i].postings.advance(to: doc) } }
                for i in excluded { try cursors[i].postings.advance(to: doc) }
                if let entry = try evaluate(doc, cursors, &phrases, top: top) { top.push(entry) }
            }
            for k in first..<units.count where at[k] == doc {
                for i in units[k].cursors where cursors[i].doc == doc { try cursors[i].postings.next() }
            }
        }
    }

    /// The next document the unit holds: its cursors' first for a clause of terms, the
    /// first all of them agree on for a phrase (Int.max when none is left).
    private func position(_ unit: Unit, _ cursors: inout [TermCursor]) throws -> Int {
        var doc = Int.max
        for i in unit.cursors { doc = min(doc, cursors[i].doc) }
        guard unit.phrase, doc != Int.max else { return doc }
        return try agree(&cursors, groups: unit.groups, from: doc) ?? Int.max
    }
}
