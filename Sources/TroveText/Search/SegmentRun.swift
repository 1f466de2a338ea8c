import TroveStorage

/// Scores one segment. Disjunctions of terms use block-max MaxScore (SegmentRun+MaxScore);
/// queries with required clauses visit only documents holding all of them
/// (SegmentRun+Conjunction); everything else is an exhaustive document-at-a-time pass. Both sum contributions in
/// clause order, so the pruned result equals the exhaustive one exactly.
struct SegmentRun {
    let plan: QueryPlan
    let stats: QueryPlan.Stats
    let indexes: [TextSegmentIndex?]
    /// This segment's position in the snapshot (for `stats.infos`).
    let segment: Int
    /// Deletes and range filter; nil when every doc passes.
    let accept: ((Int) -> Bool)?
    let basePosition: Int
    let sort: (column: NumericColumn, descending: Bool)?
    /// The sort column's windows (see `collectByField`), and the part of a range filter
    /// that falls on the sort field: windows outside it are not read.
    var windows: ColumnWindows? = nil
    var sortRange: (from: Int64?, to: Int64?)? = nil
    /// A selective filter's allowed ordinals (`SearchPart.sparseAllowed`): `scan` moves
    /// its cursors straight to the next allowed ordinal instead of visiting every posting.
    var sparseAllowed: RowSet? = nil
    /// A filter allowing at most 1 / this of a segment's ordinals is `sparseAllowed`.
    static let sparseFilterRatio = 16

    /// One term of one clause in this segment, with what scoring it needs at hand. A plain
    /// value (its pointers go into the query's arena and the segment's mapped sections).
    struct TermCursor {
        let clause: Int
        let term: Int
        /// Rank in clause-then-term order: where its contribution goes in the canonical sum.
        let canonical: Int
        var postings: PostingsCursor
        let weight: Float
        /// The term's best score in this segment (largest tf, shortest field).
        let bound: Float
        let norms: UnsafeRawBufferPointer
        /// BM25.lengthFactor for each of the 256 norm codes.
        let lengthFactors: UnsafePointer<Float>
        let bm25: BM25
        private var scoredBlock = -1
        private var scoredBlockBound: Float = 0

        init(clause: Int, term: Int, canonical: Int, postings: PostingsCursor, weight: Float, info: TermInfo,
             norms: UnsafeRawBufferPointer, lengthFactors: UnsafePointer<Float>, bm25: BM25) {
            self.clause = clause
            self.term = term
            self.canonical = canonical
            self.postings = postings
            self.weight = weight
            self.norms = norms
            self.lengthFactors = lengthFactors
            self.bm25 = bm25
            bound = bm25.score(weight: weight, tf: info.maxTF, lengthFactor: lengthFactors[Int(info.minNorm)])
        }

        var doc: Int { postings.doc }

        /// The score at the current doc.
        @inline(__always)
        func score() -> Float {
            bm25.score(weight: weight, tf: postings.frequency, lengthFactor: lengthFactors[Int(norms[postings.doc])])
        }

        /// `blockScore(b)`, remembered for the last block asked about (probes of one
        /// term tend to land in the same block again).
        @inline(__always)
        mutating func cachedBlockScore(_ b: Int) -> Float {
            if b != scoredBlock {
                scoredBlock = b
                scoredBlockBound = blockScore(b)
            }
            return scoredBlockBound
        }

        /// The best score any doc of block `b` can get.
        @inline(__always)
        func blockScore(_ b: Int) -> Float {
            guard b < postings.blocks else { return 0 }
            let (tf, norm) = postings.blockBound(b)
            return bm25.score(weight: weight, tf: tf, lengthFactor: lengthFactors[Int(norm)])
        }
    }

    func collect(into top: inout TopHits, pruning: Bool) throws {
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        var cursors: [TermCursor] = []
        var factors: [Int: UnsafeMutablePointer<Float>] = [:]
        for (c, r) in stats.clauses.enumerated() {
            guard let index = indexes[r.clause.slot], let bm = stats.bm25[r.clause.slot] else { continue }
            let lengthFactors = factors[r.clause.slot] ?? arena.copy(bm.lengthFactors())
            factors[r.clause.slot] = lengthFactors
            for t in r.terms.indices {
                guard let info = stats.infos[segment][c][t] else { continue }
                var postings = try index.cursor(info, arena: arena)
                try postings.next()
                cursors.append(TermCursor(clause: c, term: t, canonical: cursors.count, postings: postings, weight: r.weights[t],
                                          info: info, norms: index.norms, lengthFactors: lengthFactors, bm25: bm))
            }
        }
        if sort != nil {
            try collectByField(&cursors, into: &top)
        } else if let allowed = sparseAllowed, leapfrogPays(allowed, cursors), !stats.clauses.contains(where: { $0.clause.phraseOffsets != nil }) {
            // Fewer allowed documents than postings to decode: visiting each allowed one
            // beats pruning over everyone's postings (a tenant's messages among all). Not
            // with a phrase, whose positions the exhaustive pass reads for every document.
            try exhaustive(&cursors, into: &top)
        } else if pruning && plan.isDisjunction {
            let windows = MaxScoreWindows(cursors: cursors, accept: accept, basePosition: basePosition)
            try windows.run(into: &top)
        } else if pruning, let groups = requiredGroups(cursors) {
            try conjunction(&cursors, groups: groups, into: &top)
        } else {
            try exhaustive(&cursors, into: &top)
        }
    }

    /// Whether jumping from one allowed document to the next costs less than reading the
    /// postings: each allowed document moves every cursor once.
    func leapfrogPays(_ allowed: RowSet, _ cursors: [TermCursor]) -> Bool {
        var postings = 0
        for c in cursors where stats.clauses[c.clause].clause.occur != .mustNot { postings += c.postings.df }
        return allowed.count * max(1, cursors.count) < postings
    }

    private func exhaustive(_ cursors: inout [TermCursor], into top: inout TopHits) throws {
        try scan(&cursors, phrasePositions: try phrasePositions(), below: Int.max, into: &top)
    }

    /// Per phrase clause, per term: doc → positions.
    func phrasePositions() throws -> [Int: [[Int: [Int]]]] {
        var phrasePositions: [Int: [[Int: [Int]]]] = [:]
        for (c, r) in stats.clauses.enumerated() where r.clause.phraseOffsets != nil {
            guard let index = indexes[r.clause.slot] else { continue }
            guard index.hasPositions else {
                throw TextSearchError.unsupported("field '\(plan.schema.text[r.clause.slot].field)' keeps no positions: phrase queries need them")
            }
            phrasePositions[c] = try r.terms.map { t in
                guard let info = try index.dictionary.lookup(Array(t.utf8)) else { return [:] }
                return try index.positions(info)
            }
        }
        return phrasePositions
    }

    /// Document-at-a-time over every doc some cursor is on, from where the cursors stand
    /// up to `hi` (exclusive). Sorted by a column, a doc whose value cannot enter `top` is
    /// passed over before it is filtered or scored.
    func scan(_ cursors: inout [TermCursor], phrasePositions: [Int: [[Int: [Int]]]], below hi: Int, into top: inout TopHits) throws {
        while true {
            var doc = Int.max
            for c in cursors where stats.clauses[c.clause].clause.occur != .mustNot { doc = min(doc, c.doc) }
            guard doc < hi else { return }
            if let allowed = sparseAllowed {
                // Leapfrog: no doc between here and the next allowed one can be kept.
                guard let next = allowed.next(from: doc), next < hi else { return }
                if next > doc {
                    for i in cursors.indices where stats.clauses[cursors[i].clause].clause.occur != .mustNot { try cursors[i].postings.advance(to: next) }
                    continue
                }
            }
            for i in cursors.indices where stats.clauses[cursors[i].clause].clause.occur == .mustNot { try cursors[i].postings.advance(to: doc) }
            if sortAdmits(doc, top), accept?(doc) ?? true, let entry = evaluate(doc, cursors, phrasePositions) { top.push(entry) }
            for i in cursors.indices where cursors[i].doc == doc { try cursors[i].postings.next() }
        }
    }

    @inline(__always)
    private func sortAdmits(_ doc: Int, _ top: TopHits) -> Bool {
        guard let sort else { return true }
        guard let v = sort.column.value(doc) else { return false }
        return top.admits(key: sort.descending ? Double(v) : -Double(v), position: basePosition + doc)
    }

    /// The exhaustive verdict and score of one document every cursor has reached.
    func evaluate(_ doc: Int, _ cursors: [TermCursor], _ phrasePositions: [Int: [[Int: [Int]]]]) -> TopHits.Entry? {
        let hasMust = stats.clauses.contains { $0.clause.occur == .must }
        var matched = [Bool](repeating: false, count: stats.clauses.count)
        var scores = stats.clauses.map { [Float](repeating: 0, count: $0.terms.count) }
        var present = stats.clauses.map { [Bool](repeating: false, count: $0.terms.count) }
        for cur in cursors where cur.doc == doc {
            scores[cur.clause][cur.term] = cur.score()
            present[cur.clause][cur.term] = true
        }
        for (c, r) in stats.clauses.enumerated() {
            if let offsets = r.clause.phraseOffsets {
                guard present[c].allSatisfy({ $0 }), let maps = phrasePositions[c] else { continue }
                matched[c] = QueryPlan.phraseMatches(maps.map { $0[doc] ?? [] }, offsets: offsets)
            } else {
                matched[c] = present[c].contains(true)
            }
        }
        var ok = true, anyShould = false
        var score: Float = 0
        for (c, r) in stats.clauses.enumerated() {
            var s: Float = 0
            for x in scores[c] { s += x }
            switch r.clause.occur {
            case .must: if matched[c] { score += s } else { ok = false }
            case .should: if matched[c] { anyShould = true; score += s }
            case .mustNot: if matched[c] { ok = false }
            }
        }
        guard ok, hasMust || anyShould else { return nil }
        var key = Double(score)
        var sortValue: Int64?
        if let sort {
            guard let v = sort.column.value(doc) else { return nil }
            sortValue = v
            key = sort.descending ? Double(v) : -Double(v)
        }
        return TopHits.Entry(key: key, position: basePosition + doc, score: score, sortValue: sortValue)
    }
}
