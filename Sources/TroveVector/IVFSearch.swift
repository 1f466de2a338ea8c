import CTroveSupport
import TroveStorage
extension IVFIndex {
    /// The best `k` rows for each query, scanning `nprobe` lists per query.
    public func search(_ queries: QueryBatch, k: Int, nprobe: Int, allowed: RowSet? = nil, threads: Int = 2) -> [[VectorHit]] {
        let probe = max(1, min(nprobe, nlist))
        if let allowed, allowed.count <= max(50 * k, count * probe / max(nlist, 1)) {
            return exact(queries, k: k, allowed: allowed, threads: threads)
        }
        let lists = probedLists(queries, nprobe: probe)
        var hits = pq != nil ? searchPQ(queries, lists: lists, k: k, allowed: allowed, threads: threads)
            : queries.count == 1
            ? [scanSingle(queries, lists: lists[0], k: k, allowed: allowed, threads: threads)]
            : scanBatch(queries, lists: lists, k: k, allowed: allowed, threads: threads)
        if let allowed, allowed.count >= k {
            let short = hits.indices.filter { hits[$0].count < k }
            for q in short {
                let one = try? QueryBatch(vector: queries.matrix.rowArray(q), dimension: dimension, metric: metric == .cosine ? .innerProduct : metric)
                if let one { hits[q] = exact(one, k: k, allowed: allowed, threads: threads)[0] }
            }
        }
        return hits
    }

    /// Exact search over the allowed rows only.
    func exact(_ queries: QueryBatch, k: Int, allowed: RowSet, threads: Int) -> [[VectorHit]] {
        let members = allowed.members.filter { $0 < positionOfID.count && positionOfID[$0] >= 0 }
        if queries.count == 1 {
            let positions = members.map { UInt32(positionOfID[$0]) }
            return [FlatIndex.scoreInPlace(queries, k: k, rows: rows, positions: positions, ids: members, norms: norms, metric: metric)]
        }
        let positions = members.map { Int(positionOfID[$0]) }
        let sub = FlatIndex(data: rows.gather(positions), metric: metric, rowIDs: members, norms: metric == .l2 ? positions.map { norms[$0] } : nil)
        return sub.search(queries, k: k, allowed: nil, threads: threads)
    }

    /// The `nprobe` best lists of every query.
    func probedLists(_ queries: QueryBatch, nprobe: Int) -> [[Int]] {
        let c = quantizer.centroids
        let cnorms = metric == .l2 ? c.squaredNorms() : []
        let scratch = FloatBuffer(count: queries.count * nlist)
        if queries.count == 1 {
            VectorMath.dotRows(queries.matrix.base, rows: c.base, count: nlist, dimension: dimension, into: scratch.pointer)
        } else {
            VectorMath.gemmNT(m: queries.count, n: nlist, k: dimension, a: queries.matrix.base, lda: dimension, b: c.base, ldb: dimension, c: scratch.pointer, ldc: nlist)
        }
        return (0..<queries.count).map { q in
            var heap = TopK(k: nprobe)
            let s = scratch.pointer + q * nlist
            for l in 0..<nlist { heap.push(id: l, score: metric == .l2 ? 2 * s[l] - cnorms[l] : s[l]) }
            return heap.sorted().map(\.id)
        }
    }

    /// Batch: for each list, one sgemm of the queries probing it against its rows.
    private func scanBatch(_ queries: QueryBatch, lists: [[Int]], k: Int, allowed: RowSet?, threads: Int) -> [[VectorHit]] {
        var grouping = [[Int]](repeating: [], count: nlist)
        for (q, ls) in lists.enumerated() { for l in ls { grouping[l].append(q) } }
        let probers = grouping
        // Largest work first, dealt round-robin to lanes, keeps the lanes balanced.
        let work: [Int] = (0..<nlist).map { l in (offsets[l + 1] - offsets[l] + spilledCount(l)) * probers[l].count }
        let order: [Int] = (0..<nlist).filter { work[$0] > 0 }.sorted { work[$0] > work[$1] }
        let lanes = max(1, threads)
        let keep = candidates(for: k)
        let probed = spill == nil ? ProbedLists(queries: 0, nlist: nlist) : ProbedLists(lists, nlist: nlist)
        var partial = [[TopK]](repeating: [], count: lanes)
        partial.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            VectorMath.parallel(lanes) { lane in
                out[lane] = scanLists(stride(from: lane, to: order.count, by: lanes).map { order[$0] }, probers: probers, queries: queries, keep: keep,
                                      allowed: allowed, probed: probed)
            }
        }
        return (0..<queries.count).map { q in
            var heap = TopK(k: keep)
            for lane in partial { heap.merge(lane[q]) }
            return finish(heap, query: q, queries: queries, k: k)
        }
    }

    private func scanLists(_ lists: [Int], probers: [[Int]], queries: QueryBatch, keep: Int, allowed: RowSet?, probed: ProbedLists) -> [TopK] {
        var heaps = [TopK](repeating: TopK(k: keep), count: queries.count)
        let maxList = lists.map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0
        let maxProbers = lists.map { probers[$0].count }.max() ?? 0
        let qbuf = FloatBuffer(count: maxProbers * dimension)
        let decoded = FloatBuffer(count: sq8 == nil ? 1 : maxList * dimension)
        let scratch = FloatBuffer(count: BlockScorer.queryTile * BlockScorer.rowTile)
        let scorer = BlockScorer(metric: metric, dimension: dimension)
        let spillBuffers = spill.map { s in SpillBuffers(capacity: lists.map { s.offsets[$0 + 1] - s.offsets[$0] }.max() ?? 0) }
        for l in lists {
            if let spillBuffers {
                for q in probers[l] {
                    scanSpilled(queries.matrix.row(q), list: l, skip: { probed.contains(query: q, list: $0) }, allowed: allowed, buffers: spillBuffers, heap: &heaps[q])
                }
            }
            let start = offsets[l], size = offsets[l + 1] - start
            guard size > 0 else { continue }
            let qs = probers[l]
            for (i, q) in qs.enumerated() { (qbuf.pointer + i * dimension).update(from: queries.matrix.row(q), count: dimension) }
            var listRows = rows.row(start)
            if let sq8 {
                codes.withUnsafeBufferPointer { c in sq8.decode(c.baseAddress! + start * dimension, rows: size, into: decoded.pointer) }
                listRows = UnsafePointer(decoded.pointer)
            }
            norms.withUnsafeBufferPointer { nb in
                scorer.score(queries: qbuf.pointer, queryCount: qs.count, rows: listRows, rowCount: size,
                             norms: nb.baseAddress.map { $0 + start }, ids: { Int(ids[start + $0]) }, allowed: allowed,
                             heaps: &heaps, heapIndex: { qs[$0] }, scratch: scratch.pointer)
            }
        }
        return heaps
    }

    /// One query: the dot-rows kernel (or the SQ8 kernel) per probed list, lists split across threads.
    private func scanSingle(_ queries: QueryBatch, lists: [Int], k: Int, allowed: RowSet?, threads: Int) -> [VectorHit] {
        let keep = candidates(for: k)
        let lanes = max(1, min(threads, lists.count))
        var partial = [TopK](repeating: TopK(k: keep), count: lanes)
        let scorer = BlockScorer(metric: metric, dimension: dimension)
        let weights = sq8.map { $0.queryWeights(queries.matrix.row(0)) }
        // Under a filter keeping under a quarter of the rows, score only the allowed rows
        // of each list, as a filtered FAISS scan does, instead of every row.
        let sparse = allowed.map { $0.count * 4 < count } ?? false
        let probed = spill == nil ? ProbedLists(queries: 0, nlist: nlist) : ProbedLists([lists], nlist: nlist)
        partial.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            VectorMath.parallel(lanes) { lane in
                var heap = TopK(k: keep)
                let mine = stride(from: lane, to: lists.count, by: lanes).map { lists[$0] }
                let maxList = mine.map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0
                let scratch = FloatBuffer(count: max(1, maxList))
                let positions = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, maxList))
                defer { positions.deallocate() }
                let spillBuffers = spill.map { s in SpillBuffers(capacity: mine.map { s.offsets[$0 + 1] - s.offsets[$0] }.max() ?? 0) }
                for l in mine {
                    if let spillBuffers {
                        scanSpilled(queries.matrix.row(0), list: l, skip: { probed.contains(query: 0, list: $0) }, allowed: allowed, buffers: spillBuffers, heap: &heap)
                    }
                    let start = offsets[l], size = offsets[l + 1] - start
                    guard size > 0 else { continue }
                    if weights == nil, let allowed, sparse {
                        scanAllowed(queries.matrix.row(0), start: start, size: size, allowed: allowed, positions: positions, scores: scratch.pointer, heap: &heap)
                        continue
                    }
                    if let weights {
                        codes.withUnsafeBufferPointer { c in
                            weights.weights.withUnsafeBufferPointer { w in
                                for i in 0..<size {
                                    scratch.pointer[i] = weights.offset + ScalarQuantizer.weightedSum(w.baseAddress!, c.baseAddress! + (start + i) * dimension, dimension)
                                }
                            }
                        }
                    } else {
                        VectorMath.dotRows(queries.matrix.row(0), rows: rows.row(start), count: size, dimension: dimension, into: scratch.pointer)
                    }
                    norms.withUnsafeBufferPointer { nb in
                        scorer.select(scratch.pointer, count: size, rowBase: 0, norms: nb.baseAddress.map { $0 + start },
                                      ids: { Int(ids[start + $0]) }, allowed: allowed, heap: &heap)
                    }
                }
                out[lane] = heap
            }
        }
        var heap = TopK(k: keep)
        for p in partial { heap.merge(p) }
        return finish(heap, query: 0, queries: queries, k: k)
    }

    /// Entries spilled into list `l` (0 without spilling).
    private func spilledCount(_ l: Int) -> Int { spill.map { $0.offsets[l + 1] - $0.offsets[l] } ?? 0 }

    /// Scores the rows spilled into list `l` in place, leaving out those whose own list
    /// the query also probes (`skip`): they are scored there.
    private func scanSpilled(_ q: UnsafePointer<Float>, list l: Int, skip: (Int) -> Bool, allowed: RowSet?, buffers: SpillBuffers, heap: inout TopK) {
        guard let spill else { return }
        var n = 0
        for e in spill.offsets[l]..<spill.offsets[l + 1] where !skip(Int(spill.primary[e])) {
            let p = Int(spill.positions[e])
            if let allowed, !allowed.contains(Int(ids[p])) { continue }
            buffers.positions[n] = UInt32(p)
            n += 1
        }
        guard n > 0 else { return }
        trove_dot_ids(q, rows.base, dimension, buffers.positions, n, buffers.scores)
        for j in 0..<n {
            let p = Int(buffers.positions[j])
            heap.push(id: Int(ids[p]), score: metric == .l2 ? 2 * buffers.scores[j] - norms[p] : buffers.scores[j])
        }
    }

    /// Scores the allowed rows of one list (rows start..<start+size) in place.
    private func scanAllowed(_ q: UnsafePointer<Float>, start: Int, size: Int, allowed: RowSet, positions: UnsafeMutablePointer<UInt32>, scores: UnsafeMutablePointer<Float>, heap: inout TopK) {
        var n = 0
        for i in start..<(start + size) where allowed.contains(Int(ids[i])) {
            positions[n] = UInt32(i)
            n += 1
        }
        guard n > 0 else { return }
        // A time window keeps a suffix of each list (rows are in id order within a list).
        FlatIndex.scorePositions(q, rows: rows, positions: UnsafeBufferPointer(start: positions, count: n), into: scores)
        for j in 0..<n {
            let p = Int(positions[j])
            heap.push(id: Int(ids[p]), score: metric == .l2 ? 2 * scores[j] - norms[p] : scores[j])
        }
    }

    /// Final hits: re-scored exactly from float32 rows when SQ8 or PQ produced the candidates.
    func finish(_ heap: TopK, query q: Int, queries: QueryBatch, k: Int) -> [VectorHit] {
        let scorer = BlockScorer(metric: metric, dimension: dimension)
        guard sq8 != nil || pq != nil else { return scorer.finish(heap, queryNorm: queries.norms[q]) }
        // The candidates' rows are scattered (and, for IVF-PQ, usually not in memory yet):
        // the id kernel prefetches each next row while scoring the current one.
        let positions = heap.heap.map { UInt32(positionOfID[$0.id]) }
        var dots = [Float](repeating: 0, count: positions.count)
        trove_dot_ids(queries.matrix.row(q), rows.base, dimension, positions, positions.count, &dots)
        var exact = TopK(k: k)
        for (i, hit) in heap.heap.enumerated() {
            let p = Int(positions[i])
            exact.push(id: hit.id, score: metric == .l2 ? 2 * dots[i] - norms[p] : dots[i])
        }
        return scorer.finish(exact, queryNorm: queries.norms[q])
    }
}

/// Which lists each query of a batch probes, as one bit per list.
struct ProbedLists: Sendable {
    private let words: Int
    private let bits: [UInt64]

    init(queries: Int, nlist: Int) {
        words = (nlist + 63) / 64
        bits = [UInt64](repeating: 0, count: queries * words)
    }

    init(_ lists: [[Int]], nlist: Int) {
        let words = (nlist + 63) / 64
        var bits = [UInt64](repeating: 0, count: lists.count * words)
        for (q, ls) in lists.enumerated() { for l in ls { bits[q * words + l / 64] |= 1 << UInt64(l % 64) } }
        self.words = words
        self.bits = bits
    }

    @inline(__always)
    func contains(query q: Int, list l: Int) -> Bool { bits[q * words + l / 64] & (1 << UInt64(l % 64)) != 0 }
}

/// Scratch for scoring one list's spilled rows: their positions and scores.
final class SpillBuffers {
    let positions: UnsafeMutablePointer<UInt32>
    let scores: UnsafeMutablePointer<Float>

    init(capacity: Int) {
        positions = .allocate(capacity: max(1, capacity))
        scores = .allocate(capacity: max(1, capacity))
    }

    deinit {
        positions.deallocate()
        scores.deallocate()
    }
}
