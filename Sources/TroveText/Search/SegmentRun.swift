import TroveStorage

/// Scores one segment. Disjunctions of terms use MaxScore: terms sorted by their score
/// bound; the low ones whose bounds together cannot lift a document past the current
/// k-th score are only probed for documents the others found. Everything else is an
/// exhaustive document-at-a-time pass. Both sum contributions in clause order, so the
/// pruned result equals the exhaustive one exactly.
struct SegmentRun {
    let plan: QueryPlan
    let stats: QueryPlan.Stats
    let indexes: [TextSegmentIndex?]
    let accept: (Int) -> Bool
    let basePosition: Int
    let sort: (column: NumericColumn, descending: Bool)?

    /// One term of one clause in this segment.
    struct TermCursor {
        var clause: Int
        var term: Int
        var cursor: PostingsCursor
        var weight: Float
        var bound: Float
        var norms: UnsafeRawBufferPointer
        var bm25: BM25
        var info: TermInfo
    }

    func collect(into top: inout TopHits, pruning: Bool) throws {
        var cursors: [TermCursor] = []
        for (c, r) in stats.clauses.enumerated() {
            guard let index = indexes[r.clause.slot], let bm = stats.bm25[r.clause.slot] else { continue }
            for (t, term) in r.terms.enumerated() {
                guard let info = try index.dictionary.lookup(Array(term.utf8)) else { continue }
                var cursor = try index.cursor(info)
                try cursor.next()
                let bound = bm.score(weight: r.weights[t], tf: info.maxTF, length: FieldNorms.table[Int(info.minNorm)])
                cursors.append(TermCursor(clause: c, term: t, cursor: cursor, weight: r.weights[t], bound: bound, norms: index.norms, bm25: bm, info: info))
            }
        }
        if pruning && plan.isDisjunction {
            try maxScore(&cursors, into: &top)
        } else {
            try exhaustive(&cursors, into: &top)
        }
    }

    @inline(__always)
    private func termScore(_ c: TermCursor) -> Float {
        c.bm25.score(weight: c.weight, tf: c.cursor.frequency, length: FieldNorms.table[Int(c.norms[c.cursor.doc])])
    }

    private func maxScore(_ cursors: inout [TermCursor], into top: inout TopHits) throws {
        guard !cursors.isEmpty else { return }
        cursors.sort { $0.bound < $1.bound }
        var upper = [Float](repeating: 0, count: cursors.count)
        var sum: Float = 0
        for i in cursors.indices { sum += cursors[i].bound; upper[i] = sum }
        let width = 64
        var contributions = [Float](repeating: 0, count: stats.clauses.count * width)
        var touched: [Int] = []
        touched.reserveCapacity(cursors.count)
        var essential = 0
        while true {
            // Bounds are summed in another order than scores: a small slack keeps pruning safe.
            let threshold = top.threshold
            while essential < cursors.count && Double(upper[essential]) * (1 + 1e-5) <= threshold { essential += 1 }
            guard essential < cursors.count else { return }
            var doc = Int.max
            for i in essential..<cursors.count { doc = min(doc, cursors[i].cursor.doc) }
            guard doc != Int.max else { return }
            if accept(doc) {
                for i in touched { contributions[i] = 0 }
                touched.removeAll(keepingCapacity: true)
                var partial: Float = 0
                for i in essential..<cursors.count where cursors[i].cursor.doc == doc {
                    let s = termScore(cursors[i])
                    let slot = cursors[i].clause * width + min(cursors[i].term, width - 1)
                    contributions[slot] += s
                    touched.append(slot)
                    partial += s
                }
                var viable = true
                for i in stride(from: essential - 1, through: 0, by: -1) {
                    if Double(partial + upper[i]) * (1 + 1e-5) <= threshold { viable = false; break }
                    try cursors[i].cursor.advance(to: doc)
                    if cursors[i].cursor.doc == doc {
                        let s = termScore(cursors[i])
                        let slot = cursors[i].clause * width + min(cursors[i].term, width - 1)
                        contributions[slot] += s
                        touched.append(slot)
                        partial += s
                    }
                }
                if viable {
                    let score = canonicalSum(contributions, width: width)
                    top.push(TopHits.Entry(key: Double(score), position: basePosition + doc, score: score, sortValue: nil))
                }
            }
            for i in essential..<cursors.count where cursors[i].cursor.doc == doc { try cursors[i].cursor.next() }
        }
    }

    /// Σ over clauses in order of Σ over their terms in order: the same order the
    /// exhaustive pass and the unflushed documents use.
    private func canonicalSum(_ c: [Float], width: Int) -> Float {
        var total: Float = 0
        for clause in 0..<stats.clauses.count {
            var s: Float = 0
            for t in 0..<min(width, max(1, stats.clauses[clause].terms.count)) { s += c[clause * width + t] }
            total += s
        }
        return total
    }

    private func exhaustive(_ cursors: inout [TermCursor], into top: inout TopHits) throws {
        let hasMust = stats.clauses.contains { $0.clause.occur == .must }
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
        while true {
            var doc = Int.max
            for c in cursors where stats.clauses[c.clause].clause.occur != .mustNot { doc = min(doc, c.cursor.doc) }
            guard doc != Int.max else { return }
            defer { for i in cursors.indices where cursors[i].cursor.doc == doc { try? cursors[i].cursor.next() } }
            for i in cursors.indices where stats.clauses[cursors[i].clause].clause.occur == .mustNot { try cursors[i].cursor.advance(to: doc) }
            guard accept(doc) else { continue }
            var matched = [Bool](repeating: false, count: stats.clauses.count)
            var scores = [[Float]](repeating: [], count: stats.clauses.count)
            for (c, r) in stats.clauses.enumerated() { scores[c] = [Float](repeating: 0, count: r.terms.count) }
            var present = [[Bool]](repeating: [], count: stats.clauses.count)
            for (c, r) in stats.clauses.enumerated() { present[c] = [Bool](repeating: false, count: r.terms.count) }
            for cur in cursors where cur.cursor.doc == doc {
                scores[cur.clause][cur.term] = termScore(cur)
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
            guard ok, hasMust || anyShould else { continue }
            var key = Double(score)
            var sortValue: Int64?
            if let sort {
                guard let v = sort.column.value(doc) else { continue }
                sortValue = v
                key = sort.descending ? Double(v) : -Double(v)
            }
            top.push(TopHits.Entry(key: key, position: basePosition + doc, score: score, sortValue: sortValue))
        }
    }
}
