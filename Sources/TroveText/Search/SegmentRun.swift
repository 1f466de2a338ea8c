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
            return
        }
        var phrases = try PhrasePositions(self, eager: false, arena: arena)
        if let allowed = sparseAllowed, leapfrogPays(allowed, cursors) {
            // Fewer allowed documents than postings to decode: visiting each allowed one
            // beats pruning over everyone's postings (a tenant's messages among all).
            try scan(&cursors, phrases: &phrases, below: Int.max, into: &top, pruning: pruning)
        } else if pruning && plan.isDisjunction {
            let windows = MaxScoreWindows(cursors: cursors, accept: accept, basePosition: basePosition)
            try windows.run(into: &top)
        } else if pruning, let groups = requiredGroups(cursors) {
            try conjunction(&cursors, groups: groups, phrases: &phrases, into: &top)
        } else if pruning {
            try disjunction(&cursors, phrases: &phrases, into: &top)
        } else {
            try scan(&cursors, phrases: &phrases, below: Int.max, into: &top, pruning: false)
        }
    }

    /// Whether jumping from one allowed document to the next costs less than reading the
    /// postings: each allowed document moves every cursor once.
    func leapfrogPays(_ allowed: RowSet, _ cursors: [TermCursor]) -> Bool {
        var postings = 0
        for c in cursors where stats.occurs[c.clause] != .mustNot { postings += c.postings.df }
        return allowed.count * max(1, cursors.count) < postings
    }

    /// Document-at-a-time over every doc some cursor is on, from where the cursors stand
    /// up to `hi` (exclusive). Sorted by a column, a doc whose value cannot enter `top` is
    /// passed over before it is filtered or scored; with `pruning`, by score, a doc that
    /// cannot enter is passed over before its phrases are checked.
    func scan(_ cursors: inout [TermCursor], phrases: inout PhrasePositions, below hi: Int, into top: inout TopHits, pruning: Bool) throws {
        while true {
            var doc = Int.max
            for c in cursors where stats.occurs[c.clause] != .mustNot { doc = min(doc, c.doc) }
            guard doc < hi else { return }
            if let allowed = sparseAllowed {
                // Leapfrog: no doc between here and the next allowed one can be kept.
                guard let next = allowed.next(from: doc), next < hi else { return }
                if next > doc {
                    for i in cursors.indices where stats.occurs[cursors[i].clause] != .mustNot { try cursors[i].postings.advance(to: next) }
                    continue
                }
            }
            for i in cursors.indices where stats.occurs[cursors[i].clause] == .mustNot { try cursors[i].postings.advance(to: doc) }
            if sortAdmits(doc, top), accept?(doc) ?? true, let entry = try evaluate(doc, cursors, &phrases, top: pruning ? top : nil) { top.push(entry) }
            for i in cursors.indices where cursors[i].doc == doc { try cursors[i].postings.next() }
        }
    }

    @inline(__always)
    private func sortAdmits(_ doc: Int, _ top: TopHits) -> Bool {
        guard let sort else { return true }
        guard let v = sort.column.value(doc) else { return false }
        return top.admits(key: sort.descending ? Double(v) : -Double(v), position: basePosition + doc)
    }

    /// The exhaustive verdict and score of one document every cursor has reached. Given
    /// `top` (a search by score), a document that could not enter it even if every phrase
    /// whose terms it holds matched is refused before any positions are read: the bound
    /// adds the same contributions in the same order plus the phrases', so it is never
    /// below the score.
    func evaluate(_ doc: Int, _ cursors: [TermCursor], _ phrases: inout PhrasePositions, top: TopHits?) throws -> TopHits.Entry? {
        let n = stats.occurs.count
        return try withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { sums in
            try withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { found in
                _ = sums.initialize(repeating: 0)
                _ = found.initialize(repeating: 0)
                // Cursors come in clause-then-term order: each clause's sum is its terms'
                // scores in term order, as the exhaustive pass has always added them.
                for cur in cursors where cur.doc == doc {
                    sums[cur.clause] += cur.score()
                    found[cur.clause] += 1
                }
                return try judge(doc, sums: sums, found: found, &phrases, top: top)
            }
        }
    }

    /// `evaluate` once the clauses' sums and term counts on `doc` are known; `found` is
    /// reused for whether each clause could match.
    private func judge(_ doc: Int, sums: UnsafeMutableBufferPointer<Float>, found: UnsafeMutableBufferPointer<Int>,
                       _ phrases: inout PhrasePositions, top: TopHits?) throws -> TopHits.Entry? {
        let n = stats.occurs.count
        // Phase one: what each clause could contribute without reading a position.
        for c in 0..<n {
            let phrase = stats.isPhrase[c]
            let possible = phrase ? found[c] == stats.termCounts[c] : found[c] > 0
            switch stats.occurs[c] {
            case .must: if !possible { return nil }
            case .mustNot: if possible && !phrase { return nil }
            case .should: break
            }
            found[c] = possible ? 1 : 0
        }
        if sort == nil, let top, top.isFull {
            var bound: Float = 0
            for c in 0..<n where stats.occurs[c] != .mustNot && found[c] == 1 { bound += sums[c] }
            guard top.admits(key: Double(bound), position: basePosition + doc) else { return nil }
        }
        // Phase two: the phrases, then the score in clause order.
        var anyShould = false, hasMust = false
        var score: Float = 0
        for c in 0..<n {
            var matched = found[c] == 1
            if matched, stats.isPhrase[c], let offsets = stats.phraseOffsets[c] { matched = try phrases.matches(clause: c, doc: doc, offsets: offsets) }
            switch stats.occurs[c] {
            case .must:
                guard matched else { return nil }
                hasMust = true
                score += sums[c]
            case .should: if matched { anyShould = true; score += sums[c] }
            case .mustNot: if matched { return nil }
            }
        }
        guard hasMust || anyShould else { return nil }
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
