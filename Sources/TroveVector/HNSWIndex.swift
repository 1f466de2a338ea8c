import TroveStorage

/// A navigable small-world graph over one segment's rows: approximate search that reads
/// a few thousand rows per query instead of all of them.
///
/// Filters: the walk goes through every node but keeps only allowed ones. When the
/// allowed rows are few (fewer than about √(4·ef·m·n)), walking would visit most of the
/// graph to find them, so the search is exact over the allowed rows instead; and when a
/// walk still ends with fewer than k allowed hits while k exist, it is redone exactly.
/// Either way a filtered query returns k hits whenever k are allowed.
public struct HNSWIndex: Sendable {
    public let metric: VectorMetric
    public let parameters: HNSWParameters
    let rows: FloatMatrix
    /// Segment ordinal of each row (nil: row i is ordinal i).
    let ids: [Int32]?
    let norms: [Float]
    let links: HNSWLinks
    let pool: HNSWScratchPool
    /// Distances as the graph measures them; `normStore` keeps its norms alive.
    let space: HNSWSpace
    private let normStore: FloatBuffer?

    public var count: Int { rows.rows }
    public var dimension: Int { rows.dimension }

    /// Builds the graph over `data` (prepared for the metric; row i has id i).
    public init(data: FloatMatrix, metric: VectorMetric, parameters: HNSWParameters = .defaults, threads: Int = 2) {
        let norms = metric == .l2 ? data.squaredNorms() : []
        let links = HNSWBuilder.build(data, metric: metric, norms: metric == .l2 ? norms : nil, parameters: parameters, threads: threads)
        self.init(rows: data, ids: nil, norms: norms, links: links, metric: metric, parameters: parameters)
    }

    init(rows: FloatMatrix, ids: [Int32]?, norms: [Float], links: HNSWLinks, metric: VectorMetric, parameters: HNSWParameters) {
        self.rows = rows
        self.ids = ids
        self.norms = norms
        self.links = links
        self.metric = metric
        self.parameters = parameters
        pool = HNSWScratchPool(nodes: rows.rows, m: parameters.m)
        let store: FloatBuffer? = metric == .l2 ? FloatBuffer(count: norms.count, zeroed: false) : nil
        if let store { for (i, n) in norms.enumerated() { store.pointer[i] = n } }
        normStore = store
        space = HNSWSpace(rows: rows, metric: metric, norms: store.map { UnsafePointer($0.pointer) })
    }

    @inline(__always)
    func id(ofRow row: Int) -> Int { ids.map { Int($0[row]) } ?? row }

    /// The best `k` rows of each query; `ef` (default the index's ef_search) candidates are
    /// kept on the bottom layer, never fewer than k.
    public func search(_ queries: QueryBatch, k: Int, ef: Int? = nil, allowed: RowSet? = nil, threads: Int = 2) -> [[VectorHit]] {
        guard count > 0, k > 0 else { return Array(repeating: [], count: queries.count) }
        let width = max(k, ef ?? parameters.efSearch)
        if let allowed, allowed.count * allowed.count <= 4 * width * parameters.m * count {
            return exact(queries, k: k, allowed: allowed, threads: threads)
        }
        var out = [[VectorHit]](repeating: [], count: queries.count)
        let lanes = max(1, min(threads, queries.count))
        out.withUnsafeMutableBufferPointer { buf in
            nonisolated(unsafe) let buf = buf
            VectorMath.parallel(lanes) { lane in
                for q in stride(from: lane, to: queries.count, by: lanes) {
                    buf[q] = searchOne(queries, q, k: k, ef: width, allowed: allowed)
                }
            }
        }
        if let allowed, allowed.count >= k {
            for q in out.indices where out[q].count < k {
                let one = try? QueryBatch(vector: queries.matrix.rowArray(q), dimension: dimension, metric: metric == .cosine ? .innerProduct : metric)
                if let one { out[q] = exact(one, k: k, allowed: allowed, threads: 1)[0] }
            }
        }
        return out
    }

    private func searchOne(_ queries: QueryBatch, _ q: Int, k: Int, ef: Int, allowed: RowSet?) -> [VectorHit] {
        pool.with { scratch in
            let query = queries.matrix.row(q)
            var current = NodeDistance(distance: space.distance(query, queryNorm: 0, to: links.entry), node: UInt32(links.entry))
            for layer in stride(from: links.topLayer, to: 0, by: -1) {
                current = HNSWTraversal.greedy(query, queryNorm: 0, from: current, layer: layer, space: space, links: links, scratch: scratch)
            }
            let filter: ((Int) -> Bool)? = allowed.map { set in { row in set.contains(id(ofRow: row)) } }
            HNSWTraversal.search(query, queryNorm: 0, from: current, ef: ef, layer: 0, space: space, links: links, scratch: scratch, allowed: filter)
            var heap = TopK(k: k)
            var found = scratch.found
            while !found.isEmpty {
                let e = found.pop()
                heap.push(id: id(ofRow: Int(e.node)), score: space.score(e.distance))
            }
            scratch.found = found
            return BlockScorer(metric: metric, dimension: dimension).finish(heap, queryNorm: queries.norms[q])
        }
    }

    /// Exact search over the allowed rows only.
    func exact(_ queries: QueryBatch, k: Int, allowed: RowSet, threads: Int) -> [[VectorHit]] {
        var rowsAllowed: [Int] = []
        var members: [Int] = []
        for row in 0..<count where allowed.contains(id(ofRow: row)) {
            rowsAllowed.append(row)
            members.append(id(ofRow: row))
        }
        if queries.count == 1 {
            return [FlatIndex.scoreInPlace(queries, k: k, rows: rows, positions: rowsAllowed.map { UInt32($0) }, ids: members, norms: norms, metric: metric)]
        }
        let sub = FlatIndex(data: rows.gather(rowsAllowed), metric: metric, rowIDs: members, norms: metric == .l2 ? rowsAllowed.map { norms[$0] } : nil)
        return sub.search(queries, k: k, allowed: nil, threads: threads)
    }
}
