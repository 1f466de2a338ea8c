/// How a hybrid query merges its text and vector hits.
public enum Fusion: Sendable, Equatable {
    /// Reciprocal-rank fusion: score = Σ weight / (k + rank), ranks from 1. Uses only
    /// ranks, so it needs no calibration between BM25 and similarity scores.
    case rrf
    /// A weighted sum of each side's scores, normalised per query (OpenSearch's
    /// normalization processor): keeps how far ahead a hit is, which ranks throw away, so
    /// a strong exact lexical match is not outvoted by near-misses of the other side.
    case linear(ScoreNormalization)

    /// The side weights a query that names none gets: equal for RRF (its usual form);
    /// 0.7 text / 0.3 vector for linear, the best mean MRR@10 over the retrieval eval's
    /// three query sets (docs/BENCHMARKS.md).
    public var defaultWeights: (text: Double, vector: Double) {
        switch self {
        case .rrf: (1, 1)
        case .linear: (0.7, 0.3)
        }
    }
}

/// How one side's scores are put on a common scale within one query.
public enum ScoreNormalization: String, Sendable, Equatable, CaseIterable {
    /// (s − min) / (max − min) over the side's hits; all equal → 1. A hit the side did
    /// not return counts 0.
    case minMax = "min_max"
    /// (s − mean) / standard deviation over the side's hits; a hit the side did not return
    /// counts as that side's lowest returned value. All equal (one hit, say) → 1 each and
    /// 0 for a missing hit: a side that found a single document still puts it ahead of
    /// what it did not find (with 0 for both, a lone exact match counted for nothing).
    case zScore = "z_score"

    /// The normalised scores of `hits`, in order, and the value a missing hit gets.
    func normalise(_ hits: [EngineHit]) -> (scores: [Double], missing: Double) {
        guard let lo = hits.map(\.score).min(), let hi = hits.map(\.score).max() else { return ([], 0) }
        switch self {
        case .minMax:
            return (hits.map { hi > lo ? ($0.score - lo) / (hi - lo) : 1 }, 0)
        case .zScore:
            let mean = hits.reduce(0) { $0 + $1.score } / Double(hits.count)
            let variance = hits.reduce(0) { $0 + ($1.score - mean) * ($1.score - mean) } / Double(hits.count)
            let sd = variance.squareRoot()
            guard sd > 0 else { return (hits.map { _ in 1 }, 0) }
            let z = hits.map { ($0.score - mean) / sd }
            return (z, z.min() ?? 0)
        }
    }
}

extension HybridSearch {
    /// Σ weight × normalised score over the lists; ties go to the smaller id.
    static func fuseLinear(_ lists: [([EngineHit], Double)], normalization: ScoreNormalization, limit: Int) -> [EngineHit] {
        var scores: [String: Double] = [:]
        let normalised = lists.map { hits, weight in (hits, normalization.normalise(hits), weight) }
        for (hits, _, _) in normalised { for h in hits { scores[h.id] = 0 } }
        for (hits, norm, weight) in normalised {
            var seen: [String: Double] = [:]
            for (h, s) in zip(hits, norm.scores) where seen[h.id] == nil { seen[h.id] = s }
            for id in scores.keys { scores[id, default: 0] += weight * (seen[id] ?? norm.missing) }
        }
        return scores.map { EngineHit(id: $0.key, score: $0.value) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
            .prefix(limit).map { $0 }
    }
}
