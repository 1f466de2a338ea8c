import Foundation

/// Mean MRR@k, recall@k and nDCG@k (binary gains) over judged queries: the quality figures
/// the text and retrieval benchmarks print, computed one way so they can be compared
/// (the Python reports recompute them the same way from the `--out` files).
struct RankingQuality {
    let k: Int
    private(set) var judged = 0
    private var mrr = 0.0, recall = 0.0, ndcg = 0.0

    init(k: Int) { self.k = k }

    /// Adds one query's ranked ids (best first) against its relevant set.
    mutating func add(_ ranked: [String], relevant: Set<String>) {
        judged += 1
        let top = ranked.prefix(k)
        if let rank = top.firstIndex(where: { relevant.contains($0) }) { mrr += 1 / Double(rank + 1) }
        recall += Double(top.filter { relevant.contains($0) }.count) / Double(max(relevant.count, 1))
        let dcg = top.enumerated().reduce(0.0) { $0 + (relevant.contains($1.element) ? 1 / log2(Double($1.offset + 2)) : 0) }
        let ideal = (0..<min(k, relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        ndcg += ideal > 0 ? dcg / ideal : 0
    }

    var meanMRR: Double { mrr / Double(max(judged, 1)) }
    var meanRecall: Double { recall / Double(max(judged, 1)) }
    var meanNDCG: Double { ndcg / Double(max(judged, 1)) }
}

/// Query latencies of a benchmark: one warm-up pass, then timed passes; QPS from the best
/// pass, percentiles over every timed query (as the peers in Benchmarks/ time theirs).
struct PassTimings {
    private(set) var latencies: [Double] = []
    private(set) var bestPass = Double.infinity
    private(set) var queries = 0

    mutating func addPass(_ perQuery: [Double], seconds: Double) {
        latencies += perQuery
        queries = perQuery.count
        bestPass = min(bestPass, seconds)
    }

    var qps: Double { Double(queries) / max(bestPass, 1e-9) }

    /// The `p`-quantile of the timed latencies, in milliseconds.
    func percentileMs(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
    }
}
