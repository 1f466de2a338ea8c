import Testing
import TroveTestSupport
import TroveStorage
@testable import TroveVector

@Suite(.ownThread) struct FlatIndexTests {
    @Test(arguments: VectorMetric.allCases)
    func batchAndSingleEqualTheNaiveLoop(metric: VectorMetric) throws {
        let d = 37, n = 3000, k = 10
        let base = VectorTestData.random(n, d, seed: 1)
        let queries = VectorTestData.random(40, d, seed: 2)
        let index = try FlatIndex(vectors: base, dimension: d, metric: metric)
        let batch = index.search(try QueryBatch(values: queries, dimension: d, metric: metric), k: k)
        for q in 0..<40 {
            let query = Array(queries[(q * d)..<((q + 1) * d)])
            let want = VectorTestData.naive(base, query, d: d, k: k, metric: metric)
            #expect(VectorTestData.sameRanking(batch[q], want), "query \(q)")
            let single = index.search(try QueryBatch(vector: query, dimension: d, metric: metric), k: k)[0]
            #expect(single.map(\.id) == batch[q].map(\.id))
            #expect(abs(Double(single[0].score) - want[0].score) < 1e-3 * max(1, abs(want[0].score)))
        }
    }

    /// Positions mixing long runs (a time window), short runs and scattered rows score
    /// as the per-row kernel does, and a filtered single query over a window returns the
    /// naive top k of the window.
    @Test func runsOfPositionsScoreLikeScatteredOnes() throws {
        let d = 24, n = 5000
        let index = try FlatIndex(vectors: VectorTestData.random(n, d, seed: 5), dimension: d, metric: .innerProduct)
        let q = VectorTestData.random(1, d, seed: 6)
        // Runs of 3, 300, exactly 16 and 1,000, with single rows between them.
        let p: [UInt32] = Array(10..<13) + [40, 90] + Array(100..<400) + [401, 777] + Array(1000..<1016) + [2000] + Array(4000..<5000)
        var fast = [Float](repeating: 0, count: p.count), slow = fast
        q.withUnsafeBufferPointer { qb in
            p.withUnsafeBufferPointer { pb in
                fast.withUnsafeMutableBufferPointer { FlatIndex.scorePositions(qb.baseAddress!, rows: index.data, positions: pb, into: $0.baseAddress!) }
                for (i, row) in pb.enumerated() { slow[i] = VectorMath.dot(qb.baseAddress!, index.data.row(Int(row)), d) }
            }
        }
        for i in p.indices { #expect(abs(fast[i] - slow[i]) < 1e-4, "position \(p[i])") }
        let window = RowSet(capacity: n, rows: 4500..<n)
        let hits = index.search(try QueryBatch(values: q, dimension: d, metric: .innerProduct), k: 10, allowed: window)[0]
        let naive = (4500..<n).sorted { a, b in
            let sa = VectorMath.dot(q, index.data.row(a), d), sb = VectorMath.dot(q, index.data.row(b), d)
            return sa > sb || (sa == sb && a < b)
        }.prefix(10)
        #expect(hits.map(\.id) == Array(naive))
    }

    @Test func tiesAreBrokenByLowerID() throws {
        let d = 4
        let base: [Float] = Array(repeating: [1, 0, 0, 0], count: 50).flatMap { $0 }
        let index = try FlatIndex(vectors: base, dimension: d, metric: .innerProduct)
        let hits = index.search(try QueryBatch(vector: [1, 0, 0, 0], dimension: d, metric: .innerProduct), k: 5, threads: 2)[0]
        #expect(hits.map(\.id) == [0, 1, 2, 3, 4])
    }

    @Test func kLargerThanNAndEmptyIndex() throws {
        let index = try FlatIndex(vectors: VectorTestData.random(7, 8, seed: 3), dimension: 8, metric: .l2)
        let q = try QueryBatch(values: VectorTestData.random(3, 8, seed: 4), dimension: 8, metric: .l2)
        for hits in index.search(q, k: 100) { #expect(hits.count == 7) }
        let empty = try FlatIndex(vectors: [], dimension: 8, metric: .l2)
        #expect(empty.search(q, k: 10).allSatisfy { $0.isEmpty })
    }

    @Test func filtersAllowingNoneOneAndAll() throws {
        let d = 16, n = 5000
        let base = VectorTestData.random(n, d, seed: 5)
        let index = try FlatIndex(vectors: base, dimension: d, metric: .innerProduct)
        let query = VectorTestData.random(1, d, seed: 6)
        let q = try QueryBatch(vector: query, dimension: d, metric: .innerProduct)
        #expect(index.search(q, k: 10, allowed: RowSet(capacity: n))[0].isEmpty)
        #expect(index.search(q, k: 10, allowed: RowSet(capacity: n, rows: [4321]))[0].map(\.id) == [4321])
        #expect(index.search(q, k: 10, allowed: .all(n))[0].map(\.id) == index.search(q, k: 10)[0].map(\.id))
        let half = Set(stride(from: 0, to: n, by: 2))
        let got = index.search(q, k: 10, allowed: RowSet(capacity: n, rows: half))[0]
        #expect(VectorTestData.sameRanking(got, VectorTestData.naive(base, query, d: d, k: 10, metric: .innerProduct, allowed: half)))
        let few = Set([3, 77, 901, 4999])  // selective: scored over the allowed rows only
        let some = index.search(try QueryBatch(values: query + query, dimension: d, metric: .innerProduct), k: 10, allowed: RowSet(capacity: n, rows: few))
        #expect(some.allSatisfy { Set($0.map(\.id)) == few })
    }

    /// A selective filter and one query: the allowed rows are scored where they lie, and
    /// the ranking and scores equal the naive loop's under every metric.
    @Test(arguments: VectorMetric.allCases)
    func aSelectiveFilterScoresOneQueryExactly(metric: VectorMetric) throws {
        let d = 24, n = 6000
        let base = VectorTestData.random(n, d, seed: 7)
        let index = try FlatIndex(vectors: base, dimension: d, metric: metric)
        let members = Set(stride(from: 5, to: n, by: 37))  // 163 rows: under 1 in 20
        let query = VectorTestData.random(1, d, seed: 8)
        let got = index.search(try QueryBatch(vector: query, dimension: d, metric: metric), k: 10, allowed: RowSet(capacity: n, rows: members))[0]
        let want = VectorTestData.naive(base, query, d: d, k: 10, metric: metric, allowed: members)
        #expect(got.count == 10 && VectorTestData.sameRanking(got, want))
        for (g, w) in zip(got, want) { #expect(abs(Double(g.score) - w.score) < 1e-3 * max(1, abs(w.score))) }
    }

    @Test func badVectorsAreTypedErrors() {
        #expect(throws: VectorError.wrongDimension(expected: 4, found: 3, row: 0)) { try QueryBatch(vector: [1, 2, 3], dimension: 4, metric: .l2) }
        #expect(throws: VectorError.notFinite(row: 1, component: 2)) { try FlatIndex(vectors: [1, 1, 1, 1, 1, .nan], dimension: 3, metric: .l2) }
        #expect(throws: VectorError.notFinite(row: 0, component: 0)) { try FlatIndex(vectors: [.infinity, 1], dimension: 2, metric: .l2) }
        #expect(throws: VectorError.zeroVector(row: 0)) { try QueryBatch(vector: [0, 0], dimension: 2, metric: .cosine) }
        #expect(throws: VectorError.self) { try FlatIndex(vectors: [1, 2, 3], dimension: 2, metric: .l2) }
    }
}
