import CTroveSupport
import TroveStorage

extension IVFQuantizer {
    /// Rows encoded as PQ codes of their residuals (row − centroid of `lists[i]`), in
    /// chunks so a million rows never need a second full-size float copy; for L2 also the
    /// squared norm of each reconstruction (centroid + decoded residual).
    func encodeResiduals(_ data: FloatMatrix, lists: [Int32], with pq: ProductQuantizer, threads: Int) -> (codes: [UInt8], norms: [Float]) {
        let chunk = 65_536, m = pq.subquantizers, d = data.dimension
        var codes = [UInt8](repeating: 0, count: data.rows * m)
        var norms = [Float](repeating: 0, count: metric == .l2 ? data.rows : 0)
        var start = 0
        while start < data.rows {
            let n = min(chunk, data.rows - start)
            let part = FloatMatrix(rows: n, dimension: d, base: data.row(start), owner: data.owner)
            let partLists = Array(lists[start..<(start + n)])
            let chunkCodes = pq.encode(rotated: pq.rotate(residuals(part, lists: partLists)), threads: threads)
            codes.replaceSubrange((start * m)..<((start + n) * m), with: chunkCodes)
            if metric == .l2 {
                let rotated = chunkCodes.withUnsafeBufferPointer { pq.decode($0.baseAddress!, rows: n) }
                let back = FloatBuffer(count: n * d, zeroed: false)
                // Undo the rotation: r = r'·Rᵀ.
                VectorMath.gemm(transposeA: false, transposeB: true, m: n, n: d, k: d, a: rotated.base, lda: d,
                                b: pq.rotation.base, ldb: d, c: back.pointer, ldc: d)
                for i in 0..<n {
                    let c = centroids.row(Int(partLists[i]))
                    var s: Float = 0
                    for j in 0..<d {
                        let v = c[j] + back.pointer[i * d + j]
                        s += v * v
                    }
                    norms[start + i] = s
                }
            }
            start += n
        }
        return (codes, norms)
    }
}

extension IVFIndex {
    /// IVF-PQ search: each query scores its probed lists by table lookup, keeps the best
    /// `candidates(for: k)`, and re-scores them from the float32 rows. One query spreads
    /// its lists over the threads; a batch gives each thread whole queries.
    func searchPQ(_ queries: QueryBatch, lists: [[Int]], k: Int, allowed: RowSet?, threads: Int) -> [[VectorHit]] {
        if queries.count == 1 { return [scanPQ(queries, q: 0, lists: lists[0], k: k, allowed: allowed, lanes: threads)] }
        var out = [[VectorHit]](repeating: [], count: queries.count)
        let shards = VectorMath.split(queries.count, threads)
        out.withUnsafeMutableBufferPointer { buf in
            nonisolated(unsafe) let buf = buf
            VectorMath.parallel(shards.count) { lane in
                for q in shards[lane] { buf[q] = scanPQ(queries, q: q, lists: lists[q], k: k, allowed: allowed, lanes: 1) }
            }
        }
        return out
    }

    private func scanPQ(_ queries: QueryBatch, q: Int, lists: [Int], k: Int, allowed: RowSet?, lanes: Int) -> [VectorHit] {
        guard let pq else { return [] }
        let table = FloatBuffer(count: pq.subquantizers * ProductQuantizer.codewords, zeroed: false)
        pq.lookupTable(queries.matrix.row(q), into: table.pointer)
        let keep = candidates(for: k)
        let laneCount = max(1, min(lanes, lists.count))
        var partial = [TopK](repeating: TopK(k: keep), count: laneCount)
        partial.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            VectorMath.parallel(laneCount) { lane in
                let mine = stride(from: lane, to: lists.count, by: laneCount).map { lists[$0] }
                out[lane] = scanLists(mine, query: queries.matrix.row(q), table: table.pointer, keep: keep, allowed: allowed)
            }
        }
        var heap = TopK(k: keep)
        for p in partial { heap.merge(p) }
        return finish(heap, query: q, queries: queries, k: k)
    }

    /// Table-lookup scores of the lists' rows; a row's score is the query's dot with its
    /// centroid plus the table sum over its codes (for L2, 2·that − the reconstruction's
    /// squared norm, the ranking form used throughout). Under a filter keeping under a
    /// quarter of the rows only the allowed rows are scored.
    private func scanLists(_ lists: [Int], query: UnsafePointer<Float>, table: UnsafePointer<Float>, keep: Int, allowed: RowSet?) -> TopK {
        guard let pq else { return TopK(k: keep) }
        let m = pq.subquantizers
        var heap = TopK(k: keep)
        let maxList = lists.map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0
        let scores = FloatBuffer(count: max(1, maxList), zeroed: false)
        let positions = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, maxList))
        defer { positions.deallocate() }
        let sparse = allowed.map { $0.count * 4 < count } ?? false
        let scorer = BlockScorer(metric: metric, dimension: dimension)
        pqCodes.withUnsafeBufferPointer { codes in
            guard let base = codes.baseAddress else { return }
            for l in lists {
                let start = offsets[l], size = offsets[l + 1] - start
                guard size > 0 else { continue }
                let bias = VectorMath.dot(query, quantizer.centroids.row(l), dimension)
                if let allowed, sparse {
                    var n = 0
                    for i in start..<(start + size) where allowed.contains(Int(ids[i])) {
                        positions[n] = UInt32(i)
                        n += 1
                    }
                    trove_pq_scores_at(table, base, positions, n, m, bias, scores.pointer)
                    for j in 0..<n {
                        let p = Int(positions[j])
                        heap.push(id: Int(ids[p]), score: metric == .l2 ? 2 * scores.pointer[j] - pqNorms[p] : scores.pointer[j])
                    }
                    continue
                }
                trove_pq_scores(table, base + start * m, size, m, bias, scores.pointer)
                pqNorms.withUnsafeBufferPointer { nb in
                    scorer.select(scores.pointer, count: size, rowBase: 0, norms: nb.baseAddress.map { $0 + start },
                                  ids: { Int(ids[start + $0]) }, allowed: allowed, heap: &heap)
                }
            }
        }
        return heap
    }
}
