import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveVector

/// Spilled rows (SOAR): a share of the rows listed again in a neighbouring list, so a
/// query probing few lists still finds rows near a border. Recall rises at equal nprobe,
/// no hit comes back twice, the single and batch paths agree, filters hold, and the
/// entries persist and are checked on open.
@Suite(.ownThread) struct IVFSpillTests {
    static let d = 32, n = 12_000

    static func build(metric: VectorMetric, spill: Double) throws -> (IVFIndex, FlatIndex) {
        let base = VectorTestData.clustered(n, d, clusters: 400, seed: 21)
        let flat = try FlatIndex(vectors: base, dimension: d, metric: metric)
        let q = IVFQuantizer.train(flat.data, nlist: 100, metric: metric)
        return (IVFIndex(data: flat.data, quantizer: q, spill: spill), flat)
    }

    static func queries(_ metric: VectorMetric, count: Int = 200, seed: UInt64 = 22) throws -> QueryBatch {
        try QueryBatch(values: VectorTestData.clustered(count, d, clusters: 400, seed: seed), dimension: d, metric: metric)
    }

    @Test(arguments: [VectorMetric.cosine, .l2])
    func spillingRaisesRecallAtEqualNprobeWithoutDuplicates(metric: VectorMetric) throws {
        let (plain, flat) = try Self.build(metric: metric, spill: 0)
        let (spilled, _) = try Self.build(metric: metric, spill: 0.3)
        #expect(plain.spill == nil)
        let s = try #require(spilled.spill)
        #expect(s.count == 3600)
        let queries = try Self.queries(metric)
        let truth = flat.search(queries, k: 10)
        for nprobe in [1, 2, 4] {
            let before = VectorTestData.recall(plain.search(queries, k: 10, nprobe: nprobe), truth)
            let hits = spilled.search(queries, k: 10, nprobe: nprobe)
            let after = VectorTestData.recall(hits, truth)
            #expect(after > before, "nprobe \(nprobe): \(after) vs \(before)")
            for h in hits { #expect(Set(h.map(\.id)).count == h.count && h.count == 10) }
        }
        // Every list probed: exact, each row once.
        let all = spilled.search(queries, k: 10, nprobe: spilled.nlist)
        #expect(VectorTestData.recall(all, truth) == 1)
    }

    /// The single-query path (lists split across lanes) and the batch path (queries
    /// grouped per list) skip the same entries and return the same hits.
    @Test func singleAndBatchPathsAgree() throws {
        let (spilled, _) = try Self.build(metric: .innerProduct, spill: 0.5)
        let queries = try Self.queries(.innerProduct, count: 40, seed: 23)
        let batch = spilled.search(queries, k: 10, nprobe: 3)
        for q in 0..<queries.count {
            let one = try QueryBatch(vector: queries.matrix.rowArray(q), dimension: Self.d, metric: .innerProduct)
            let single = spilled.search(one, k: 10, nprobe: 3)[0]
            // The same hits, but for near-ties that the two kernels round differently.
            #expect(single.count == 10 && batch[q].count == 10, "query \(q)")
            #expect(Set(single.map(\.id)).intersection(batch[q].map(\.id)).count >= 9, "query \(q)")
            #expect(Set(single.map(\.id)).count == single.count)
        }
    }

    /// Under a filter, spilled entries are filtered like the others, in both the sparse
    /// single-query scan and the batch scan.
    @Test func filteredSearchReturnsOnlyAllowedRowsOnce() throws {
        let (spilled, _) = try Self.build(metric: .l2, spill: 0.5)
        let members = Set(stride(from: 1, to: Self.n, by: 7))
        let allowed = RowSet(capacity: Self.n, rows: members)
        let queries = try Self.queries(.l2, count: 20, seed: 24)
        let batch = spilled.search(queries, k: 10, nprobe: 4, allowed: allowed)
        for q in 0..<queries.count {
            let one = try QueryBatch(vector: queries.matrix.rowArray(q), dimension: Self.d, metric: .l2)
            for hits in [batch[q], spilled.search(one, k: 10, nprobe: 4, allowed: allowed)[0]] {
                #expect(hits.count == 10 && hits.allSatisfy { members.contains($0.id) })
                #expect(Set(hits.map(\.id)).count == hits.count)
            }
        }
    }

    /// The entries the builder writes pass the checks made on open; tampered ones fail.
    @Test func entriesAreCheckedAgainstTheLists() throws {
        let (spilled, _) = try Self.build(metric: .cosine, spill: 0.2)
        let s = try #require(spilled.spill)
        #expect(SpilledRows.validate(offsets: s.offsets, positions: s.positions, listOffsets: spilled.offsets) == nil)
        for e in 0..<s.count { #expect(SpilledRows.list(of: Int(s.positions[e]), offsets: spilled.offsets) == Int(s.primary[e])) }
        // An entry moved into its own list.
        let l = try #require((0..<spilled.nlist).first { s.offsets[$0 + 1] > s.offsets[$0] })
        var own = s.positions
        own[s.offsets[l]] = Int32(spilled.offsets[l])
        #expect(SpilledRows.validate(offsets: s.offsets, positions: own, listOffsets: spilled.offsets) != nil)
        var outside = s.positions
        outside[s.count - 1] = Int32(Self.n)
        #expect(SpilledRows.validate(offsets: s.offsets, positions: outside, listOffsets: spilled.offsets)?.contains("out of range") == true)
        var short = s.offsets
        short[short.count - 1] -= 1
        #expect(SpilledRows.validate(offsets: short, positions: s.positions, listOffsets: spilled.offsets) != nil)
    }

    static let spec = VectorFieldSpec(field: "embedding", dimension: 16, metric: .cosine, index: .ivf, nlist: 24, spill: 0.25)
    typealias P = VectorPersistenceTests

    /// Written at flush, read back after reopening with the same hits; a section valid by
    /// checksum whose entry points into its own list is a typed corruption error.
    @Test func spilledRowsPersistAndAreCheckedOnOpen() throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(3000, 16, clusters: 30, seed: 25)
        let f = try P.open(dir.sub("db"), spec: Self.spec)
        try f.store.createCollection("docs")
        try P.put(f.store, range: 0..<3000, vectors: vectors)
        try P.flush(f.store)
        let snapshot = try f.store.snapshot().segments(of: "docs")[0].reader
        let words = { (s: UnsafeRawBufferPointer) in (0..<(s.count / 4)).map { Int(s.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) } }
        let spilled = words(try #require(try snapshot.section(VectorSections.tag("VS", 0))))
        let lists = words(try #require(try snapshot.section(VectorSections.tag("VL", 0))))
        #expect(spilled.count == 25 + 750)
        let queries = try QueryBatch(values: Array(vectors[0..<(30 * 16)]), dimension: 16, metric: .cosine)
        let hits = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 2)
        try f.store.close()
        let g = try P.open(dir.sub("db"), spec: Self.spec)
        #expect(try g.searcher.search(g.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 2).map { $0.map(\.id) } == hits.map { $0.map(\.id) })
        try g.store.close()

        let seg = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.sub("db")).first { $0.hasSuffix(".seg") })
        let path = dir.sub("db") + "/" + seg
        // The first entry of a list that has entries and rows, pointed at that list's own first row.
        let l = try #require((0..<24).first { spilled[$0 + 1] > spilled[$0] && lists[$0 + 1] > lists[$0] })
        try SegmentSurgery.edit(path, section: VectorSections.tag("VS", 0)) { SegmentSurgery.put32(&$0, 4 * (25 + spilled[l]), UInt32(lists[l])) }
        do {
            let h = try P.open(dir.sub("db"), spec: Self.spec)
            defer { try? h.store.close() }
            _ = try h.searcher.search(h.store.snapshot(), collection: "docs", queries: queries, k: 3, nprobe: 2)
            Issue.record("opened and searched a damaged spill section")
        } catch let StorageError.corruption(file, _, reason) {
            #expect(file == path)
            #expect(reason.contains("spill"), "\(reason)")
        }
    }
}
