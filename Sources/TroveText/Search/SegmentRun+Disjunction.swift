/// Should clauses that MaxScore's windows do not take — a phrase among them, or an
/// excluded clause — and no required clause: MaxScore document at a time over clauses.
/// A clause's bound is the sum of its terms' bounds in the segment; the lowest clauses
/// whose bounds together cannot lift a document past the k-th score are non-essential,
/// so only documents an essential clause holds are visited — for a phrase, documents that
/// hold all its terms (its cursors leapfrog to one) — and the non-essential clauses are
/// probed for such a document from the highest bound down, only while it could still make
/// the top k. `evaluate` then judges it as the exhaustive pass does (positions read last,
/// only if it could still enter), so the result is the exhaustive one exactly.
extension SegmentRun {
    /// The clauses as units over flat arrays (the loops below run per document).
    private struct Units {
        /// Unit u's cursors are cursors[members[start[u]..<start[u + 1]]].
        var start: [Int] = [0]
        var members: [Int] = []
        var phrase: [Bool] = []
        var bound: [Float] = []
        /// For a phrase, each cursor a group of its own: all of them must agree.
        var groups: [[[Int]]] = []
        var count: Int { phrase.count }
        func cursors(_ u: Int) -> Range<Int> { start[u]..<start[u + 1] }
    }

    func disjunction(_ cursors: inout [TermCursor], phrases: inout PhrasePositions, into top: inout TopHits) throws {
        let excluded = cursors.indices.filter { stats.occurs[cursors[$0].clause] == .mustNot }
        let units = makeUnits(cursors)
        // prefix[k] = Σ bound over units 0...k.
        var prefix: [Float] = []
        var sum: Float = 0
        for b in units.bound { sum += b; prefix.append(sum) }
        // Where each unit stands; only a unit that moved is looked at again (the limit
        // only rises, so a unit once non-essential never becomes essential again).
        var at = try (0..<units.count).map { try position($0, units, &cursors) }
        var first = 0
        while true {
            let limit = MaxScoreWindows.limit(top.threshold)
            while first < units.count && prefix[first] <= limit { first += 1 }
            guard first < units.count else { return }
            var doc = Int.max
            for u in first..<units.count { doc = min(doc, at[u]) }
            guard doc != Int.max else { return }
            var partial: Float = 0
            for u in first..<units.count where at[u] == doc { partial += score(u, units, cursors, at: doc) }
            if try probe(doc, partial: partial, below: first, units, prefix, &cursors, limit: limit), accept?(doc) ?? true {
                for i in excluded { try cursors[i].postings.advance(to: doc) }
                if let entry = try evaluate(doc, cursors, &phrases, top: top) { top.push(entry) }
            }
            for u in first..<units.count where at[u] == doc {
                for m in units.cursors(u) where cursors[units.members[m]].doc == doc { try cursors[units.members[m]].postings.next() }
                at[u] = try position(u, units, &cursors)
            }
        }
    }

    private func makeUnits(_ cursors: [TermCursor]) -> Units {
        var list: [(members: [Int], phrase: Bool, bound: Float)] = []
        for c in stats.occurs.indices where stats.occurs[c] != .mustNot {
            let mine = cursors.indices.filter { cursors[$0].clause == c }
            let phrase = stats.phraseOffsets[c] != nil
            // A phrase with a term this segment lacks cannot match here.
            guard !mine.isEmpty, !phrase || mine.count == stats.termCounts[c] else { continue }
            list.append((mine, phrase, mine.reduce(Float(0)) { $0 + cursors[$1].bound }))
        }
        list.sort { $0.bound < $1.bound }
        var units = Units()
        for unit in list {
            units.members += unit.members
            units.start.append(units.members.count)
            units.phrase.append(unit.phrase)
            units.bound.append(unit.bound)
            units.groups.append(unit.phrase ? unit.members.map { [$0] } : [])
        }
        return units
    }

    /// Moves the non-essential units (below `first`) to `doc`, highest bound first, adding
    /// what they score there; false as soon as even their remaining bounds cannot lift
    /// `doc` past `limit`.
    private func probe(_ doc: Int, partial: Float, below first: Int, _ units: Units, _ prefix: [Float],
                       _ cursors: inout [TermCursor], limit: Float) throws -> Bool {
        var partial = partial
        for u in stride(from: first - 1, through: 0, by: -1) {
            if partial + prefix[u] <= limit { return false }
            for m in units.cursors(u) { try cursors[units.members[m]].postings.advance(to: doc) }
            partial += score(u, units, cursors, at: doc)
        }
        return partial > limit
    }

    /// What unit `u` can add at `doc` (its cursors standing there): its terms' scores; for
    /// a phrase, all of them or nothing (positions unread: a bound).
    private func score(_ u: Int, _ units: Units, _ cursors: [TermCursor], at doc: Int) -> Float {
        var s: Float = 0
        for m in units.cursors(u) {
            let c = cursors[units.members[m]]
            if c.doc == doc { s += c.score() } else if units.phrase[u] { return 0 }
        }
        return s
    }

    /// The next document unit `u` holds: its cursors' first for a clause of terms, the
    /// first all of them agree on for a phrase (Int.max when none is left).
    private func position(_ u: Int, _ units: Units, _ cursors: inout [TermCursor]) throws -> Int {
        var doc = Int.max
        for m in units.cursors(u) { doc = min(doc, cursors[units.members[m]].doc) }
        guard units.phrase[u], doc != Int.max else { return doc }
        return try agree(&cursors, groups: units.groups[u], from: doc) ?? Int.max
    }
}
