import CTroveSupport
import TroveStorage

/// Rows of an IVF index listed a second time, in another list than their own ("spilled",
/// as in ScaNN's SOAR). A row near the border between two cells is lost to a query that
/// probes only the other cell; listing it there too finds it. The second list is chosen
/// by SOAR's loss, ‖x − c‖² + λ·⟨r, x − c⟩²/‖r‖² with r = x − c_primary: it prefers a
/// centroid whose residual points away from the primary one's, so the two lists miss
/// different queries. Only the `fraction` of rows whose best second list is nearly as good
/// as their own spill (the smallest excess of that list's loss over the own list's
/// distance), which bounds the extra scanning. Ranking rows by that excess found more of
/// the true neighbours than ranking them by how much farther the second centroid is
/// (docs/BENCHMARKS.md, issue 18).
///
/// The float rows are not copied: an entry is a row's position in list order, scored in
/// place. A query skips an entry whose own list it also probes, so no row is scored twice
/// and no hit appears twice.
public struct SpilledRows: Sendable, Equatable {
    /// Start of each list's entries (`nlist + 1`).
    let offsets: [Int]
    /// Positions (in list order) of the rows listed again, list by list, ascending.
    let positions: [Int32]
    /// Each entry's own list (derived from the positions, not stored).
    let primary: [Int32]

    var count: Int { positions.count }

    /// SOAR's λ: 1 weighs the residuals' alignment as much as the distance itself.
    static let lambda: Float = 1
    /// Lists considered for each row's second place: its nearest few beyond its own.
    static let candidates = 8
    /// The share of rows spilled when a field does not say (docs/BENCHMARKS.md).
    public static let defaultFraction = 0.05
    public static let fractionRange = 0.0...1.0

    init(offsets: [Int], positions: [Int32], listOffsets: [Int]) {
        self.offsets = offsets
        self.positions = positions
        primary = positions.map { Int32(SpilledRows.list(of: Int($0), offsets: listOffsets)) }
    }

    /// Checks entries read from disk against the index's lists: in range, ascending per
    /// list, and never in a row's own list. Returns why not, or nil.
    static func validate(offsets: [Int], positions: [Int32], listOffsets: [Int]) -> String? {
        guard offsets.count == listOffsets.count, offsets.first == 0, offsets.last == positions.count,
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { return "spill offsets out of order" }
        let rows = listOffsets.last ?? 0
        // A row listed twice as a spill could come back twice from one query.
        var seen = [Bool](repeating: false, count: rows)
        for l in 0..<(offsets.count - 1) {
            var previous = -1
            for e in offsets[l]..<offsets[l + 1] {
                let p = Int(positions[e])
                guard p > previous, p < rows else { return "spill entry \(e) is out of range or order" }
                guard list(of: p, offsets: listOffsets) != l else { return "spill entry \(e) is in its own list" }
                guard !seen[p] else { return "row at \(p) spills twice" }
                seen[p] = true
                previous = p
            }
        }
        return nil
    }

    /// The list holding list-order position `p`: the last list starting at or before it.
    static func list(of p: Int, offsets: [Int]) -> Int {
        var lo = 0, hi = offsets.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if offsets[mid] <= p { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Chooses the spilled rows of `ordered` (rows in list order, list `l` at
    /// `listOffsets[l]..<listOffsets[l+1]`).
    static func choose(_ ordered: FloatMatrix, listOffsets: [Int], centroids: FloatMatrix, fraction: Double, threads: Int) -> SpilledRows? {
        let n = ordered.rows, nlist = centroids.rows
        let wanted = Int((Double(n) * min(max(fraction, 0), 1)).rounded())
        guard wanted > 0, nlist > 1 else { return nil }
        let listOfPosition = (0..<nlist).flatMap { l in [Int32](repeating: Int32(l), count: listOffsets[l + 1] - listOffsets[l]) }
        var target = [Int32](repeating: -1, count: n)
        var excess = [Float](repeating: .infinity, count: n)
        let cnorms = centroids.squaredNorms()
        let shards = VectorMath.split(n, threads)
        target.withUnsafeMutableBufferPointer { tb in
            excess.withUnsafeMutableBufferPointer { gb in
                nonisolated(unsafe) let tb = tb, gb = gb
                VectorMath.parallel(shards.count) { lane in
                    secondLists(ordered, rows: shards[lane], centroids: centroids, cnorms: cnorms, own: listOfPosition,
                                target: tb.baseAddress!, excess: gb.baseAddress!)
                }
            }
        }
        // The rows whose second list is nearly as good as their own.
        let chosen = (0..<n).filter { target[$0] >= 0 }.sorted { (excess[$0], $0) < (excess[$1], $1) }.prefix(wanted)
        var offsets = [Int](repeating: 0, count: nlist + 1)
        for p in chosen { offsets[Int(target[p]) + 1] += 1 }
        for l in 0..<nlist { offsets[l + 1] += offsets[l] }
        var fill = offsets
        var positions = [Int32](repeating: 0, count: chosen.count)
        for p in chosen.sorted() {
            let l = Int(target[p])
            positions[fill[l]] = Int32(p)
            fill[l] += 1
        }
        return SpilledRows(offsets: offsets, positions: positions, listOffsets: listOffsets)
    }

    /// For rows `range`: the list with the least SOAR loss among the nearest few other
    /// than the row's own, and how far that loss exceeds the own list's distance.
    private static func secondLists(_ data: FloatMatrix, rows range: Range<Int>, centroids: FloatMatrix, cnorms: [Float], own: [Int32],
                                    target: UnsafeMutablePointer<Int32>, excess: UnsafeMutablePointer<Float>) {
        let nlist = centroids.rows, d = data.dimension
        let tile = 256
        let scratch = FloatBuffer(count: tile * nlist)
        var r = range.lowerBound
        while r < range.upperBound {
            let m = min(tile, range.upperBound - r)
            VectorMath.gemmNT(m: m, n: nlist, k: d, a: data.row(r), lda: d, b: centroids.base, ldb: d, c: scratch.pointer, ldc: nlist)
            for i in 0..<m {
                let row = r + i, p = Int(own[row])
                let dots = scratch.pointer + i * nlist
                let xn = VectorMath.dot(data.row(row), data.row(row), d)
                // Nearest lists by distance (‖c‖² − 2x·c; ‖x‖² is common to all).
                var near = TopK(k: candidates + 1)
                for c in 0..<nlist { near.push(id: c, score: 2 * dots[c] - cnorms[c]) }
                let ownDistance = xn - 2 * dots[p] + cnorms[p]
                let residual = max(ownDistance, 1e-12)
                let residualDotX = xn - dots[p]
                var best = -1
                var bestLoss = Float.infinity
                for hit in near.heap where hit.id != p {
                    let c = hit.id
                    let distance = xn - 2 * dots[c] + cnorms[c]
                    let between = VectorMath.dot(centroids.row(p), centroids.row(c), d)
                    let along = residualDotX - (dots[c] - between)
                    let loss = distance + lambda * along * along / residual
                    if loss < bestLoss { (best, bestLoss) = (c, loss) }
                }
                if best >= 0 {
                    target[row] = Int32(best)
                    excess[row] = bestLoss - ownDistance
                }
            }
            r += m
        }
    }

    var memoryBytes: Int { 8 * offsets.count + 4 * positions.count + 4 * primary.count }
}
