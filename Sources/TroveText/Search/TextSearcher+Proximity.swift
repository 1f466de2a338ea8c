import TroveStorage

/// The proximity bonus of `match` queries. A word that splits into several tokens
/// (`open(2)`, `threading.Thread.join()`) is searched as its separate tokens, so the plan
/// stays a disjunction that MaxScore prunes. The adjacency a person meant is then
/// rewarded only where it is cheap and matters: among the top hits already found, a hit
/// holding the tokens side by side in the order written gets `proximityShare` of the
/// score one occurrence of that phrase would have (BM25, tf 1, weight the sum of the
/// tokens' idf), and the hits are ranked again.
///
/// Measured on the retrieval eval's verbatim set (docs/BENCHMARKS.md): scoring the
/// phrase's frequency on top of its tokens' own scores counted the word twice and lost
/// MRR@10 (0.959 → 0.956); presence at half weight gained it (→ 0.964); a window of 50
/// candidates instead of the top 10 changed nothing but the cost. Reordering only the top
/// hits keeps pruning exactly as it was: the bonus never brings in a new document.
extension TextSearcher {
    /// The part of one phrase occurrence's score an adjacency adds.
    static let proximityShare: Float = 0.5
    /// A token in more documents of a part than this is not read for proximity there, and
    /// its word gets no bonus in that part: positions are one stream per term, read from
    /// the start up to the last hit, so a common token (`2`, `utf`) would cost more than
    /// the query. Measured on the verbatim set: no limit, p99 0.76 ms; 2,048, 0.47 ms
    /// (Tantivy 0.46) with MRR@10 0.963 instead of 0.964.
    static let proximityPostingsLimit = 2048

    /// The entries of `run` best first, with the proximity bonus when its plan has groups,
    /// cut to `limit`.
    func withProximity(_ run: Run, limit: Int, sorted: Bool) throws -> [TopHits.Entry] {
        let entries = run.top.sorted()
        guard !run.plan.proximity.isEmpty, !sorted else { return Array(entries.prefix(max(0, limit))) }
        var bonus = [Float](repeating: 0, count: entries.count)
        // Entries by part, so each group's positions are read once per part, for its docs only.
        var byPart: [Int: [(entry: Int, doc: Int)]] = [:]
        for (i, e) in entries.enumerated() {
            guard let p = run.parts.lastIndex(where: { $0.basePosition <= e.position }) else { continue }
            byPart[p, default: []].append((i, e.position - run.parts[p].basePosition))
        }
        // A token shared by several words (the `2` of `fork(2), clone(2)`) is read once per part.
        var read: [PartClause: [Int: [Int]]?] = [:]
        for (g, group) in run.plan.proximity.enumerated() {
            guard let bm25 = run.stats.bm25[group.slot] else { continue }
            let weight = run.stats.proximityWeights[g]
            for (p, members) in byPart {
                guard let index = run.parts[p].indexes[group.slot], index.hasPositions else { continue }
                let docs = Set(members.map(\.doc))
                var lists: [[Int: [Int]]] = []
                for clause in group.clauses {
                    let key = PartClause(part: p, clause: clause)
                    if read[key] == nil {
                        // The entry statistics() looked up for this part's term.
                        read[key] = try run.stats.infos[p][clause][0]
                            .flatMap { $0.df > Self.proximityPostingsLimit ? nil : try index.positions($0, only: docs) }
                    }
                    guard let positions = read[key] ?? nil else { lists = []; break }
                    lists.append(positions)
                }
                guard !lists.isEmpty else { continue }
                for m in members {
                    guard QueryPlan.phraseMatches(lists.map { $0[m.doc] ?? [] }, offsets: group.offsets) else { continue }
                    let length = FieldNorms.table[Int(index.norms[m.doc])]
                    bonus[m.entry] += Self.proximityShare * bm25.score(weight: weight, tf: 1, length: length)
                }
            }
        }
        var top = TopHits(k: max(0, limit))
        for (i, e) in entries.enumerated() {
            let score = e.score + bonus[i]
            top.push(TopHits.Entry(key: Double(score), position: e.position, score: score, sortValue: e.sortValue))
        }
        return top.sorted()
    }
}

private struct PartClause: Hashable {
    let part: Int
    let clause: Int
}
