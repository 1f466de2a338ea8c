import CTroveSupport
import TroveStorage

/// How k-means picks its first centres: `random` rows of the training sample (FAISS's
/// way), or k-means++ (far-apart rows first).
public enum KMeansSeeding: String, Sendable, CaseIterable { case random, plusPlus = "plus-plus" }

/// k-means for the IVF coarse quantizer. Seeding draws k distinct rows at random (the
/// default, as FAISS does) or runs k-means++ on a subsample, in rounds of several centres
/// so each round is one sgemm. Lloyd iterations then assign with sgemm through
/// ‖x‖² − 2x·c + ‖c‖². Cosine, and inner product over unit rows (sentence embeddings),
/// train spherical k-means (unit centroids), so the lists are cut by the same dot products
/// a query probes them with. L2, and inner product over rows of varied norms, train
/// Euclidean k-means: there a centroid's norm carries the rows' norms into the probe
/// scores, which is what a maximum-inner-product search needs.
public enum KMeans {
    public static let defaultIterations = 10

    /// `initial` (k rows) warm-starts the iterations instead of seeding, as OPQ's
    /// alternating steps refine the same codebooks a few iterations at a time.
    static func train(_ data: FloatMatrix, k: Int, metric: VectorMetric, iterations: Int = defaultIterations, seeding: KMeansSeeding = .random,
                      initial: FloatMatrix? = nil, seed: UInt64 = 1234, threads: Int = 2) -> FloatMatrix {
        let n = data.rows
        guard k >= 1, n >= 1 else { return FloatMatrix.zeros(rows: max(k, 0), dimension: data.dimension).0 }
        var rng = SplitMix64(state: seed)
        if n <= k { return padded(data, to: k, rng: &rng) }
        var centroids: FloatMatrix
        if let initial, initial.rows == k, initial.dimension == data.dimension {
            centroids = initial.gather(Array(0..<k))
        } else {
            centroids = seeding == .plusPlus ? seedPlusPlus(data, k: k, rng: &rng, threads: threads) : data.gather(sample(n, k, rng: &rng))
        }
        let spherical = metric == .cosine || (metric == .innerProduct && rowsAreUnit(data))
        if spherical { normalizeRows(centroids) }
        var assignment = [Int32](repeating: 0, count: n)
        for _ in 0..<iterations {
            assign(data, to: centroids, metric: .l2, into: &assignment, threads: threads)
            centroids = update(data, assignment: assignment, k: k, previous: centroids, rng: &rng)
            if spherical { normalizeRows(centroids) }
        }
        return centroids
    }

    /// Whether every row of a sample has unit length, to within float rounding.
    static func rowsAreUnit(_ data: FloatMatrix) -> Bool {
        let step = max(1, data.rows / 1000)
        for r in stride(from: 0, to: data.rows, by: step) {
            let n = VectorMath.dot(data.row(r), data.row(r), data.dimension)
            if !(abs(n - 1) < 1e-3) { return false }
        }
        return true
    }

    /// Nearest centroid of every row (for `.l2`: smallest distance; otherwise largest dot).
    static func assign(_ data: FloatMatrix, to centroids: FloatMatrix, metric: VectorMetric, into out: inout [Int32], threads: Int) {
        let cnorms = centroids.squaredNorms()
        let shards = VectorMath.split(data.rows, threads)
        out.withUnsafeMutableBufferPointer { buf in
            nonisolated(unsafe) let buf = buf
            VectorMath.parallel(shards.count) { lane in
                let range = shards[lane]
                let tile = 1024
                let scratch = FloatBuffer(count: tile * centroids.rows)
                var r = range.lowerBound
                while r < range.upperBound {
                    let m = min(tile, range.upperBound - r)
                    VectorMath.gemmNT(m: m, n: centroids.rows, k: data.dimension, a: data.row(r), lda: data.dimension,
                                      b: centroids.base, ldb: data.dimension, c: scratch.pointer, ldc: centroids.rows)
                    cnorms.withUnsafeBufferPointer { nb in
                        trove_best_columns(scratch.pointer, m, centroids.rows, metric == .l2 ? nb.baseAddress : nil, buf.baseAddress! + r)
                    }
                    r += m
                }
            }
        }
    }

    private static func seedPlusPlus(_ data: FloatMatrix, k: Int, rng: inout SplitMix64, threads: Int) -> FloatMatrix {
        let subsample = min(data.rows, max(k * 8, 4096))
        let rows = sample(data.rows, subsample, rng: &rng)
        let pool = data.gather(rows)
        let norms = pool.squaredNorms()
        var chosen = [Int(rng.next() % UInt64(pool.rows))]
        var nearest = [Float](repeating: .infinity, count: pool.rows)
        var fresh = chosen
        let perRound = max(1, k / 32)
        while chosen.count < k {
            updateNearest(pool, norms: norms, newCentres: fresh, nearest: &nearest)
            let total = nearest.reduce(0, +)
            fresh = []
            for _ in 0..<min(perRound, k - chosen.count) {
                var target = Float(Double(rng.next() >> 11) / Double(1 << 53)) * total
                var pick = pool.rows - 1
                for (i, w) in nearest.enumerated() {
                    target -= w
                    if target <= 0 { pick = i; break }
                }
                fresh.append(pick)
                nearest[pick] = 0
            }
            chosen += fresh
        }
        return pool.gather(chosen)
    }

    private static func updateNearest(_ pool: FloatMatrix, norms: [Float], newCentres: [Int], nearest: inout [Float]) {
        let centres = pool.gather(newCentres)
        let scratch = FloatBuffer(count: pool.rows * centres.rows)
        VectorMath.gemmNT(m: pool.rows, n: centres.rows, k: pool.dimension, a: pool.base, lda: pool.dimension,
                          b: centres.base, ldb: pool.dimension, c: scratch.pointer, ldc: centres.rows)
        for i in 0..<pool.rows {
            for (j, c) in newCentres.enumerated() {
                let dist = max(0, norms[i] - 2 * scratch.pointer[i * centres.rows + j] + norms[c])
                if dist < nearest[i] { nearest[i] = dist }
            }
        }
    }

    /// Means of the assigned rows; an empty cluster takes a perturbed copy of a point
    /// from the largest cluster (as FAISS does), so no centroid is wasted.
    private static func update(_ data: FloatMatrix, assignment: [Int32], k: Int, previous: FloatMatrix, rng: inout SplitMix64) -> FloatMatrix {
        let d = data.dimension
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<data.rows {
            let c = Int(assignment[i])
            counts[c] += 1
            let row = data.row(i)
            for j in 0..<d { sums[c * d + j] += Double(row[j]) }
        }
        let (out, p) = FloatMatrix.zeros(rows: k, dimension: d)
        for c in 0..<k where counts[c] > 0 {
            for j in 0..<d { p[c * d + j] = Float(sums[c * d + j] / Double(counts[c])) }
        }
        for c in 0..<k where counts[c] == 0 {
            // Split the largest cluster: two copies of its centroid nudged apart, each
            // taking half its count (FAISS's rule). With no cluster to split, a random row.
            let big = counts.indices.max { counts[$0] < counts[$1] } ?? 0
            if counts[big] > 1 {
                for j in 0..<d {
                    let nudge: Float = j % 2 == 0 ? 1e-4 : -1e-4
                    let v = p[big * d + j]
                    p[c * d + j] = v * (1 + nudge)
                    p[big * d + j] = v * (1 - nudge)
                }
                counts[c] = counts[big] / 2
                counts[big] -= counts[c]
            } else {
                let donor = data.row(Int(rng.next() % UInt64(data.rows)))
                for j in 0..<d { p[c * d + j] = donor[j] }
                counts[c] = 1
            }
        }
        return out
    }

    static func normalizeRows(_ m: FloatMatrix) {
        let p = UnsafeMutablePointer(mutating: m.base)
        for i in 0..<m.rows {
            let n = VectorMath.dot(m.row(i), m.row(i), m.dimension).squareRoot()
            if n > 0 { for j in 0..<m.dimension { p[i * m.dimension + j] /= n } }
        }
    }

    /// `count` distinct row numbers of `0..<n`, uniformly.
    static func sample(_ n: Int, _ count: Int, rng: inout SplitMix64) -> [Int] {
        if count >= n { return Array(0..<n) }
        var pool = Array(0..<n)
        for i in 0..<count {
            let j = i + Int(rng.next() % UInt64(n - i))
            pool.swapAt(i, j)
        }
        return Array(pool[0..<count]).sorted()
    }

    private static func padded(_ data: FloatMatrix, to k: Int, rng: inout SplitMix64) -> FloatMatrix {
        let ids = (0..<k).map { $0 < data.rows ? $0 : Int(rng.next() % UInt64(data.rows)) }
        return data.gather(ids)
    }
}
