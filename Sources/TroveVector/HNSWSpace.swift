import CTroveSupport

/// Distances between a query (or a row) and rows, lower is nearer, the way the graph
/// compares them. Inner product and cosine use −q·x; L2 uses ‖q‖² + ‖x‖² − 2q·x, where a
/// query may pass 0 for its own norm since it only shifts every distance equally.
struct HNSWSpace: @unchecked Sendable {
    let rows: FloatMatrix
    let metric: VectorMetric
    /// Squared norms of the rows (L2 only, else empty).
    let norms: UnsafePointer<Float>?

    var dimension: Int { rows.dimension }

    @inline(__always)
    func distance(_ q: UnsafePointer<Float>, queryNorm: Float, to row: Int) -> Float {
        let dot = trove_dot(q, rows.row(row), dimension)
        guard let norms else { return -dot }
        return queryNorm + norms[row] - 2 * dot
    }

    /// Distances from `q` to `count` rows named in `ids`, into `out`.
    @inline(__always)
    func distances(_ q: UnsafePointer<Float>, queryNorm: Float, ids: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Float>) {
        trove_dot_ids(q, rows.base, dimension, ids, count, out)
        if let norms {
            for i in 0..<count { out[i] = queryNorm + norms[Int(ids[i])] - 2 * out[i] }
        } else {
            for i in 0..<count { out[i] = -out[i] }
        }
    }

    /// Between two rows (build time: the heuristic compares neighbours with each other).
    @inline(__always)
    func distance(_ a: Int, _ b: Int) -> Float {
        distance(rows.row(a), queryNorm: norms?[a] ?? 0, to: b)
    }

    /// The score a hit carries for a distance found with `queryNorm` 0: the same value
    /// `BlockScorer` produces before `finish` (dot, or 2q·x − ‖x‖² for L2).
    @inline(__always)
    func score(_ distance: Float) -> Float { -distance }
}
