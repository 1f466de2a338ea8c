import TroveStorage
import CTroveSupport

/// The inner loop of every exact scan: score a tile of queries against a tile of rows
/// with one sgemm, then push each score into its query's heap. Adjustments per metric:
/// inner product and cosine use the dot product as is; L2 ranks by 2·q·x − ‖x‖²
/// (the query's own norm is added back once, at the end).
struct BlockScorer: Sendable {
    let metric: VectorMetric
    let dimension: Int
    /// Rows per tile and queries per tile; the score tile is their product in floats
    /// (4 MiB). Many queries per sgemm call keep BLAS near its peak (FAISS uses blocks
    /// of 4096 queries × 1024 rows for the same reason).
    static let rowTile = 1024
    static let queryTile = 1024

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

    /// Pushes `count` raw dot products (rows `rowBase...`) into `heap`. The vectorised
    /// scan skips to the next score at or above the heap's worst kept one; once the heap
    /// is full that is rare, so almost all scores are rejected many lanes at a time.
    @inline(__always)
    func select(_ scores: UnsafePointer<Float>, count: Int, rowBase: Int, norms: UnsafePointer<Float>?, ids: (Int) -> Int, allowed: RowSet?, heap: inout TopK) {
        let n = metric == .l2 ? norms.map { $0 + rowBase } : nil
        var j = 0
        while j < count {
            j += trove_scan_at_least(scores + j, n.map { $0 + j }, count - j, heap.threshold)
            guard j < count else { return }
            let s = n.map { 2 * scores[j] - $0[j] } ?? scores[j]
            let id = ids(rowBase + j)
            if allowed?.contains(id) ?? true { heap.push(id: id, score: s) }
            j += 1
        }
    }

    /// Turns heaps into sorted hits with final scores (L2: minus the squared distance).
    func finish(_ heap: TopK, queryNorm: Float) -> [VectorHit] {
        let hits = heap.sorted()
        guard metric == .l2 else { return hits }
        return hits.map { VectorHit(id: $0.id, score: $0.score - queryNorm) }
    }
}
