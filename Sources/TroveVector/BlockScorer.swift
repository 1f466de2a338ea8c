/// The inner loop of every exact scan: score a tile of queries against a tile of rows
/// with one sgemm, then push each score into its query's heap. Adjustments per metric:
/// inner product and cosine use the dot product as is; L2 ranks by 2·q·x − ‖x‖²
/// (the query's own norm is added back once, at the end).
struct BlockScorer: Sendable {
    let metric: VectorMetric
    let dimension: Int
    /// Rows per tile and queries per tile; the score tile is their product in floats.
    static let rowTile = 4096
    static let queryTile = 256

    /// Scores `queryCount` contiguous queries against `rowCount` contiguous rows starting
    /// at `rows`, whose ids are `ids(localRow)`, into `heaps[heapOffset + q]`.
    func score(
        queries: UnsafePointer<Float>, queryCount: Int,
        rows: UnsafePointer<Float>, rowCount: Int, norms: UnsafePointer<Float>?,
        ids: (Int) -> Int, allowed: RowSet?,
        heaps: inout [TopK], heapIndex: (Int) -> Int, scratch: UnsafeMutablePointer<Float>
    ) {
        var q0 = 0
        while q0 < queryCount {
            let mq = min(Self.queryTile, queryCount - q0)
            var r0 = 0
            while r0 < rowCount {
                let nr = min(Self.rowTile, rowCount - r0)
                VectorMath.gemmNT(m: mq, n: nr, k: dimension, a: queries + q0 * dimension, lda: dimension,
                                  b: rows + r0 * dimension, ldb: dimension, c: scratch, ldc: nr)
                for q in 0..<mq {
                    select(scratch + q * nr, count: nr, rowBase: r0, norms: norms, ids: ids, allowed: allowed, heap: &heaps[heapIndex(q0 + q)])
                }
                r0 += nr
            }
            q0 += mq
        }
    }

    /// Pushes `count` raw dot products (rows `rowBase...`) into `heap`.
    @inline(__always)
    func select(_ scores: UnsafePointer<Float>, count: Int, rowBase: Int, norms: UnsafePointer<Float>?, ids: (Int) -> Int, allowed: RowSet?, heap: inout TopK) {
        if metric == .l2, let norms {
            for j in 0..<count {
                let s = 2 * scores[j] - norms[rowBase + j]
                if s < heap.threshold { continue }
                let id = ids(rowBase + j)
                if let allowed, !allowed.contains(id) { continue }
                heap.push(id: id, score: s)
            }
        } else {
            for j in 0..<count {
                let s = scores[j]
                if s < heap.threshold { continue }
                let id = ids(rowBase + j)
                if let allowed, !allowed.contains(id) { continue }
                heap.push(id: id, score: s)
            }
        }
    }

    /// Turns heaps into sorted hits with final scores (L2: minus the squared distance).
    func finish(_ heap: TopK, queryNorm: Float) -> [VectorHit] {
        let hits = heap.sorted()
        guard metric == .l2 else { return hits }
        return hits.map { VectorHit(id: $0.id, score: $0.score - queryNorm) }
    }
}
