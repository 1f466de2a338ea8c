import Testing
import TroveTestSupport
import TroveStorage
@testable import TroveVector

/// The graph index on its own: recall against exact search, filters, and the checks that
/// refuse a graph whose values are wrong.
@Suite(.ownThread) struct HNSWIndexTests {
    static let d = 24

    static func build(_ n: Int, metric: VectorMetric, seed: UInt64, parameters: HNSWParameters = .defaults) throws -> (HNSWIndex, FlatIndex, [Float]) {
        let vectors = VectorTestData.clustered(n, d, clusters: 50, seed: seed)
        let flat = try FlatIndex(vectors: vectors, dimension: d, metric: metric)
        return (HNSWIndex(data: flat.data, metric: metric, parameters: parameters, threads: 2), flat, vectors)
    }

    /// Queries drawn like the rows: the seed alone picks the cluster centres.
    static func queries(_ count: Int, metric: VectorMetric, seed: UInt64) throws -> QueryBatch {
        try QueryBatch(values: VectorTestData.clustered(count, d, clusters: 50, seed: seed), dimension: d, metric: metric)
    }

    /// Queries drawn from the same clusters as the `n` rows `build(n, seed:)` made: the
    /// rows that follow them in the same seeded sequence.
    static func queries(_ count: Int, after n: Int, metric: VectorMetric, seed: UInt64) throws -> QueryBatch {
        let all = VectorTestData.clustered(n + count, d, clusters: 50, seed: seed)
        return try QueryBatch(values: Array(all[(n * d)...]), dimension: d, metric: metric)
    }

    @Test(arguments: VectorMetric.allCases)
    func recallAtTheDefaultEfIsAtLeast95Percent(metric: VectorMetric) throws {
        let (graph, flat, _) = try Self.build(6000, metric: metric, seed: 41)
        let q = try Self.queries(200, after: 6000, metric: metric, seed: 41)
        let truth = flat.search(q, k: 10)
        let hits = graph.search(q, k: 10)
        #expect(VectorTestData.recall(hits, truth) >= 0.95)
        // Scores are the exact ones of the metric, not the graph's internal distances.
        for (h, t) in zip(hits, truth) where h.first?.id == t.first?.id {
            #expect(abs(h[0].score - t[0].score) < 1e-3)
        }
        // A wider beam never finds less.
        #expect(VectorTestData.recall(graph.search(q, k: 10, ef: 200), truth) >= VectorTestData.recall(graph.search(q, k: 10, ef: 10), truth))
    }

    @Test func everyNodeIsReachableAndEveryLinkIsValid() throws {
        // L2, where a row is its own nearest neighbour (under inner product a longer row
        // in the same direction outranks it).
        let (graph, _, _) = try Self.build(3000, metric: .l2, seed: 43, parameters: HNSWParameters(m: 8, efConstruction: 64))
        #expect(graph.links.validate() == nil)
        // The bottom layer, walked from the entry, reaches (nearly) every node; two lanes
        // building at once measured 2,999–3,000 here.
        var seen: Set<Int> = [graph.links.entry]
        var stack = [graph.links.entry]
        while let node = stack.popLast() {
            let (p, count) = graph.links.neighbours(node, layer: 0)
            for i in 0..<count where seen.insert(Int(p[i])).inserted { stack.append(Int(p[i])) }
        }
        #expect(seen.count >= 2997)
        // Each row searched for itself comes back first. A greedy search can stop in a
        // local minimum, more so on a graph two lanes built (2,992–3,000 over 60 builds
        // on a loaded machine) than on one (2,999, and the same every time).
        let q = try QueryBatch(values: (0..<3000).flatMap { graph.rows.rowArray($0) }, dimension: Self.d, metric: .l2)
        let found = graph.search(q, k: 1, ef: 64).enumerated().filter { $0.element.first?.id == $0.offset }.count
        #expect(found >= 2985)
        let single = HNSWIndex(data: graph.rows, metric: .l2, parameters: HNSWParameters(m: 8, efConstruction: 64), threads: 1)
        let foundSingle = single.search(q, k: 1, ef: 64).enumerated().filter { $0.element.first?.id == $0.offset }.count
        #expect(foundSingle >= 2997)
    }

    /// At ef 32, up to 2500 of 5000 rows the filter is selective enough for an exact
    /// scan; 4800 (allowed² above 4·ef·m·n) walks the graph and skips the rows left out.
    @Test(arguments: [3, 40, 600, 2500, 4800])
    func filtersNeverReturnFewerThanKThatExist(allowedCount: Int) throws {
        let (graph, _, vectors) = try Self.build(5000, metric: .l2, seed: 44)
        var rng = SplitMix64(state: UInt64(allowedCount))
        var order = Array(0..<5000)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let members = Set(order.prefix(allowedCount))
        let allowed = RowSet(capacity: 5000, rows: members)
        let q = try Self.queries(20, after: 5000, metric: .l2, seed: 44)
        let k = 10
        for (i, hits) in graph.search(q, k: k, ef: 32, allowed: allowed).enumerated() {
            #expect(hits.count == min(k, members.count))
            #expect(hits.allSatisfy { members.contains($0.id) })
            let want = VectorTestData.naive(vectors, q.matrix.rowArray(i), d: Self.d, k: k, metric: .l2, allowed: members)
            let overlap = Set(hits.map(\.id)).intersection(want.map(\.id)).count
            #expect(overlap >= min(k, members.count) - 2)
        }
    }

    @Test func tinyAndDegenerateInputsBuildAndSearch() throws {
        for n in [1, 2, 17] {
            let (graph, flat, _) = try Self.build(n, metric: .cosine, seed: UInt64(n))
            let q = try Self.queries(3, metric: .cosine, seed: 46)
            #expect(graph.search(q, k: 5).map { $0.map(\.id) } == flat.search(q, k: 5).map { $0.map(\.id) })
        }
        // Many identical rows: the heuristic keeps at least one link each.
        let same = [Float](repeating: 0.5, count: 300 * Self.d)
        let flat = try FlatIndex(vectors: same, dimension: Self.d, metric: .l2)
        let graph = HNSWIndex(data: flat.data, metric: .l2, parameters: HNSWParameters(m: 4, efConstruction: 16))
        #expect(graph.links.validate() == nil)
        #expect(graph.search(try QueryBatch(vector: Array(same[0..<Self.d]), dimension: Self.d, metric: .l2), k: 5)[0].count == 5)
    }

    /// Links that passed the checksum but point outside the graph, overflow a list, or
    /// start nowhere are refused by `validate`, which opening a segment runs.
    @Test func linksWithWrongValuesAreRefused() throws {
        let (graph, _, _) = try Self.build(1200, metric: .innerProduct, seed: 47, parameters: HNSWParameters(m: 4, efConstruction: 32))
        let store = try #require(graph.links.owner as? HNSWLinkStore)
        let l = graph.links
        func broken(_ edit: (HNSWLinkStore) -> Void, entry: Int? = nil, top: Int? = nil) -> String? {
            let copy = HNSWLinkStore(layers: (0..<l.nodes).map { l.layers(of: $0) }, m: l.m)
            copy.bottom.update(from: store.bottom, count: l.nodes * (1 + 2 * l.m))
            copy.upper.update(from: store.upper, count: store.upperCount)
            edit(copy)
            return copy.links(entry: entry ?? l.entry, topLayer: top ?? l.topLayer).validate()
        }
        #expect(broken { _ in } == nil)
        #expect(broken { $0.bottom[1] = 5000 } != nil)                        // neighbour outside
        #expect(broken { $0.bottom[0] = UInt32(2 * l.m + 1) } != nil)         // count above 2m
        #expect(broken({ _ in }, entry: 1200) != nil)                         // entry outside
        #expect(broken({ _ in }, top: l.topLayer + 1) != nil)                 // top layer wrong
        let low = (0..<l.nodes).first { l.layers(of: $0) == 0 } ?? 0
        let high = (0..<l.nodes).first { l.layers(of: $0) > 0 } ?? 0
        #expect(broken { s in                                                 // upper link to a bottom-only node
            let list = s.list(high, layer: 1)
            list[0] = max(list[0], 1)
            list[1] = UInt32(low)
        } != nil)
    }

    @Test func parametersOutsideTheirRangesAreRefused() {
        #expect(throws: VectorError.self) { try HNSWParameters(m: 1).validate() }
        #expect(throws: VectorError.self) { try HNSWParameters(m: 65).validate() }
        #expect(throws: VectorError.self) { try HNSWParameters(efConstruction: 0).validate() }
        #expect(throws: VectorError.self) { try HNSWParameters(efSearch: 5000).validate() }
        #expect(throws: Never.self) { try HNSWParameters.defaults.validate() }
    }
}
