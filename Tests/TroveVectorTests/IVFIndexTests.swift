import Testing
import TroveTestSupport
import TroveStorage
@testable import TroveVector

@Suite(.ownThread) struct IVFIndexTests {
    static let d = 32, n = 20_000

    static func build(metric: VectorMetric, sq8: Bool = false) throws -> (IVFIndex, FlatIndex, [Float]) {
        let base = VectorTestData.clustered(n, d, clusters: 100, seed: 11)
        let flat = try FlatIndex(vectors: base, dimension: d, metric: metric)
        let q = IVFQuantizer.train(flat.data, nlist: IVFQuantizer.defaultNlist(for: n), metric: metric)
        return (IVFIndex(data: flat.data, quantizer: q, sq8: sq8), flat, base)
    }

    @Test(arguments: VectorMetric.allCases)
    func recallAtTheDefaultNprobeIsAtLeast95Percent(metric: VectorMetric) throws {
        let (ivf, flat, _) = try Self.build(metric: metric)
        #expect(ivf.nlist == 566)
        let queries = try QueryBatch(values: VectorTestData.clustered(200, Self.d, clusters: 100, seed: 11 + 1000), dimension: Self.d, metric: metric)
        let truth = flat.search(queries, k: 10)
        let got = ivf.search(queries, k: 10, nprobe: IVFIndex.defaultNprobe)
        #expect(VectorTestData.recall(got, truth) >= 0.95)
        // A single query takes the other code path and must agree with the batch.
        let one = try QueryBatch(vector: queries.matrix.rowArray(3), dimension: Self.d, metric: metric == .cosine ? .innerProduct : metric)
        #expect(ivf.search(one, k: 10, nprobe: IVFIndex.defaultNprobe)[0].map(\.id) == got[3].map(\.id))
        // Probing every list is exact.
        #expect(VectorTestData.recall(ivf.search(queries, k: 10, nprobe: ivf.nlist), truth) == 1)
    }

    /// A filter keeping 1 row in 8: a single query scores only the allowed rows of each
    /// probed list, and must find what the batch path (every row scored, then filtered)
    /// finds, with the same scores.
    @Test(arguments: [VectorMetric.innerProduct, .l2])
    func aSparseFilterScoresOnlyAllowedRowsAndAgreesWithTheBatch(metric: VectorMetric) throws {
        let (ivf, _, _) = try Self.build(metric: metric)
        let members = Set(stride(from: 3, to: Self.n, by: 8))
        let allowed = RowSet(capacity: Self.n, rows: members)
        let queries = try QueryBatch(values: VectorTestData.clustered(30, Self.d, clusters: 100, seed: 11 + 2000), dimension: Self.d, metric: metric)
        let batch = ivf.search(queries, k: 10, nprobe: 16, allowed: allowed)
        for q in 0..<queries.count {
            let one = try QueryBatch(vector: queries.matrix.rowArray(q), dimension: Self.d, metric: metric)
            let single = ivf.search(one, k: 10, nprobe: 16, allowed: allowed)[0]
            #expect(single.count == 10 && single.allSatisfy { members.contains($0.id) })
            // Same ranks, same scores; ids may swap only where the two scores tie.
            #expect(single.count == batch[q].count)
            for (a, b) in zip(single, batch[q]) {
                #expect(abs(a.score - b.score) < 1e-3 * max(1, abs(b.score)), "query \(q)")
            }
            #expect(Set(single.map(\.id)).intersection(batch[q].map(\.id)).count >= 9, "query \(q)")
        }
    }

    @Test func sq8KeepsRecallWithExactReranking() throws {
        let (ivf, flat, _) = try Self.build(metric: .l2, sq8: true)
        let queries = try QueryBatch(values: VectorTestData.clustered(200, Self.d, clusters: 100, seed: 12), dimension: Self.d, metric: .l2)
        let truth = flat.search(queries, k: 10)
        let got = ivf.search(queries, k: 10, nprobe: IVFIndex.defaultNprobe)
        #expect(VectorTestData.recall(got, truth) >= 0.95)
        // Scores are exact (re-ranked from float32), not quantized.
        for (g, t) in zip(got, truth) where g.first?.id == t.first?.id {
            #expect(abs((g.first?.score ?? 0) - (t.first?.score ?? 1)) < 1e-3)
        }
    }

    @Test func filtersNeverReturnFewerThanKThatExist() throws {
        let (ivf, _, base) = try Self.build(metric: .innerProduct)
        let query = Array(base[0..<Self.d])
        let q = try QueryBatch(vector: query, dimension: Self.d, metric: .innerProduct)
        #expect(ivf.search(q, k: 10, nprobe: 4, allowed: RowSet(capacity: Self.n))[0].isEmpty)
        #expect(ivf.search(q, k: 10, nprobe: 4, allowed: RowSet(capacity: Self.n, rows: [12345]))[0].map(\.id) == [12345])
        // Every 97th row: few enough that the search is exact over the allowed rows.
        let sparse = Set(stride(from: 3, to: Self.n, by: 97))
        let hits = ivf.search(q, k: 10, nprobe: 1, allowed: RowSet(capacity: Self.n, rows: sparse))[0]
        #expect(hits.count == 10)
        #expect(hits.allSatisfy { sparse.contains($0.id) })
        #expect(VectorTestData.sameRanking(hits, VectorTestData.naive(base, query, d: Self.d, k: 10, metric: .innerProduct, allowed: sparse)))
        #expect(ivf.search(q, k: 10, nprobe: 8, allowed: .all(Self.n))[0].map(\.id) == ivf.search(q, k: 10, nprobe: 8)[0].map(\.id))
    }

    @Test func aQueryWhoseProbedListsHoldTooFewAllowedRowsIsRedoneExactly() throws {
        let (ivf, _, base) = try Self.build(metric: .l2)
        let query = Array(base[0..<Self.d])
        let q = try QueryBatch(vector: query, dimension: Self.d, metric: .l2)
        // Allow every row outside the query's own list: far more than the exact-search
        // threshold, yet none of it in the one list probed.
        let nearest = ivf.probedLists(q, nprobe: 1)[0][0]
        let inList = Set((ivf.offsets[nearest]..<ivf.offsets[nearest + 1]).map { Int(ivf.ids[$0]) })
        let allowed = Set(0..<Self.n).subtracting(inList)
        #expect(allowed.count > 500)
        let hits = ivf.search(q, k: 10, nprobe: 1, allowed: RowSet(capacity: Self.n, rows: allowed))[0]
        #expect(hits.count == 10)
        #expect(VectorTestData.sameRanking(hits, VectorTestData.naive(base, query, d: Self.d, k: 10, metric: .l2, allowed: allowed)))
    }

    @Test func kLargerThanTheIndexAndManyQueries() throws {
        let base = VectorTestData.clustered(2000, 8, clusters: 10, seed: 14)
        let flat = try FlatIndex(vectors: base, dimension: 8, metric: .l2)
        let ivf = IVFIndex(data: flat.data, quantizer: IVFQuantizer.train(flat.data, nlist: 20, metric: .l2))
        // 600 queries cross the 256-query tile boundary.
        let queries = try QueryBatch(values: VectorTestData.clustered(600, 8, clusters: 10, seed: 15), dimension: 8, metric: .l2)
        let truth = flat.search(queries, k: 5)
        #expect(VectorTestData.recall(ivf.search(queries, k: 5, nprobe: 20), truth) == 1)
        for q in [0, 255, 256, 599] {
            let one = try QueryBatch(vector: queries.matrix.rowArray(q), dimension: 8, metric: .l2)
            #expect(flat.search(one, k: 5)[0].map(\.id) == truth[q].map(\.id))
        }
        let all = ivf.search(try QueryBatch(vector: queries.matrix.rowArray(0), dimension: 8, metric: .l2), k: 5000, nprobe: 20)[0]
        #expect(all.count == 2000)
    }

    @Test func duplicateVectorsTrainWithoutCrashing() throws {
        // Every row identical: k-means must split clusters rather than trap.
        let base = [Float](repeating: 0.5, count: 600 * 4)
        let flat = try FlatIndex(vectors: base, dimension: 4, metric: .l2)
        let q = IVFQuantizer.train(flat.data, nlist: 10, metric: .l2)
        #expect(q.nlist == 10)
        let ivf = IVFIndex(data: flat.data, quantizer: q)
        #expect(ivf.search(try QueryBatch(vector: [0.5, 0.5, 0.5, 0.5], dimension: 4, metric: .l2), k: 3, nprobe: 10)[0].count == 3)
    }

    @Test func smallDataTrainsWithoutCrashing() throws {
        let base = VectorTestData.random(5, 8, seed: 13)
        let flat = try FlatIndex(vectors: base, dimension: 8, metric: .l2)
        let ivf = IVFIndex(data: flat.data, quantizer: IVFQuantizer.train(flat.data, nlist: 16, metric: .l2))
        let q = try QueryBatch(values: base, dimension: 8, metric: .l2)
        let hits = ivf.search(q, k: 3, nprobe: 16)
        for (i, h) in hits.enumerated() { #expect(h.first?.id == i) }
    }
}
