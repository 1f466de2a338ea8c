import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveVector

/// Vectors stored in segments: written at flush, rewritten by merges, read in place
/// after reopening without training again, deletes honoured without a rebuild.
@Suite struct VectorPersistenceTests {
    static let d = 16
    static let spec = VectorFieldSpec(field: "embedding", dimension: d, metric: .l2, index: .ivf, nlist: 32)

    struct Fixture {
        let store: Store
        let registry: QuantizerRegistry
        let searcher: VectorSearcher
    }

    static func open(_ path: String, spec: VectorFieldSpec = spec) throws -> Fixture {
        let registry = QuantizerRegistry()
        var o = StoreOptions()
        o.backgroundMerges = false
        o.extensions = [VectorSegmentExtension(registry: registry, specs: { name, _ in name == "docs" ? [spec] : [] })]
        let store = try Store.open(at: path, options: o)  // loads the registry (storeDidOpen)
        return Fixture(store: store, registry: registry, searcher: VectorSearcher(spec: spec, slot: 0))
    }

    static func put(_ store: Store, range: Range<Int>, vectors: [Float]) throws {
        var batch = WriteBatch()
        for i in range {
            batch.put(Document(id: "v\(i)", fields: [Field("n", .int(Int64(i))), Field("embedding", .vector(Array(vectors[(i * d)..<((i + 1) * d)])))]), in: "docs")
        }
        try store.write(batch)
    }

    static func flush(_ store: Store) throws { try store.flush() }

    @Test func searchSpansSegmentsAndMemtableAndSurvivesReopenWithoutRetraining() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let n = 6000
        let vectors = VectorTestData.clustered(n, Self.d, clusters: 40, seed: 21)
        let f = try Self.open(path)
        try f.store.createCollection("docs")
        try Self.put(f.store, range: 0..<3000, vectors: vectors)
        try Self.flush(f.store)
        let trained = try #require(f.registry.quantizer(collection: "docs", field: "embedding"))
        #expect(trained.trainedOn == 3000 && trained.nlist == 32)
        try Self.put(f.store, range: 3000..<5000, vectors: vectors)
        try Self.flush(f.store)
        // Vectors added after training went to the existing lists: same centroids.
        let segs = try f.store.snapshot().segments(of: "docs")
        let c0 = try #require(try VectorSections.readQuantizer(segs[0].reader, slot: 0, spec: Self.spec))
        let c1 = try #require(try VectorSections.readQuantizer(segs[1].reader, slot: 0, spec: Self.spec))
        #expect(c0.centroids.rowArray(5) == c1.centroids.rowArray(5))
        try Self.put(f.store, range: 5000..<n, vectors: vectors)  // stays in the memtable

        let queries = try QueryBatch(values: Array(vectors[0..<(20 * Self.d)]) + Array(vectors[(5500 * Self.d)..<(5520 * Self.d)]), dimension: Self.d, metric: .l2)
        let truth = try FlatIndex(vectors: vectors, dimension: Self.d, metric: .l2).search(queries, k: 10)
        let hits = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 32)
        for (h, t) in zip(hits, truth) { #expect(h.map(\.id) == t.map { "v\($0.id)" }) }
        try f.store.close()

        let reopened = try Self.open(path)
        let q = try #require(reopened.registry.quantizer(collection: "docs", field: "embedding"))
        #expect(q.trainedOn == 3000)
        #expect(q.centroids.rowArray(7) == c0.centroids.rowArray(7))
        let again = try reopened.searcher.search(reopened.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 32)
        #expect(again.map { $0.map(\.id) } == hits.map { $0.map(\.id) })
        try reopened.store.close()
    }

    @Test func deletesAreHonouredAndMergesRewriteTheSections() throws {
        let dir = TempDirectory()
        let n = 4000
        let vectors = VectorTestData.clustered(n, Self.d, clusters: 40, seed: 22)
        let f = try Self.open(dir.sub("db"))
        try f.store.createCollection("docs")
        try Self.put(f.store, range: 0..<2000, vectors: vectors)
        try Self.flush(f.store)
        try Self.put(f.store, range: 2000..<n, vectors: vectors)
        try Self.flush(f.store)
        let query = try QueryBatch(vector: Array(vectors[(10 * Self.d)..<(11 * Self.d)]), dimension: Self.d, metric: .l2)
        let before = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 5, nprobe: 32)[0]
        #expect(before.first?.id == "v10")
        for hit in before.prefix(3) { try f.store.delete(id: hit.id, in: "docs") }
        let after = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 5, nprobe: 32)[0]
        #expect(Set(after.map(\.id)).isDisjoint(with: before.prefix(3).map(\.id)))
        #expect(after.first?.id == before[3].id)
        try f.store.compact()
        let segs = try f.store.snapshot().segments(of: "docs")
        #expect(segs.count == 1 && segs[0].reader.docCount == n - 3)
        #expect(try segs[0].reader.section(VectorSections.tag("VC", 0)) != nil)
        let merged = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 5, nprobe: 32)[0]
        #expect(merged.map(\.id) == after.map(\.id))
        try f.store.close()
    }

    @Test func aMergeOverFourTimesTheTrainingDataRetrains() throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(6000, Self.d, clusters: 40, seed: 23)
        let f = try Self.open(dir.sub("db"))
        try f.store.createCollection("docs")
        try Self.put(f.store, range: 0..<1200, vectors: vectors)
        try Self.flush(f.store)
        #expect(f.registry.quantizer(collection: "docs", field: "embedding")?.trainedOn == 1200)
        for start in stride(from: 1200, to: 6000, by: 1200) {
            try Self.put(f.store, range: start..<(start + 1200), vectors: vectors)
            try Self.flush(f.store)
        }
        #expect(f.registry.quantizer(collection: "docs", field: "embedding")?.trainedOn == 1200)
        try f.store.compact()
        #expect(f.registry.quantizer(collection: "docs", field: "embedding")?.trainedOn == 6000)
        try f.store.close()
    }

    @Test func filtersRestrictResultsInsideTheScan() throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(3000, Self.d, clusters: 40, seed: 24)
        let f = try Self.open(dir.sub("db"))
        try f.store.createCollection("docs")
        try Self.put(f.store, range: 0..<2500, vectors: vectors)
        try Self.flush(f.store)
        try Self.put(f.store, range: 2500..<3000, vectors: vectors)
        // Only documents whose `n` is a multiple of 100 (30 of them, in segments and memtable).
        let filter = VectorSearcher.Filter(segment: { segment in
            let reader = segment.reader
            var rows = RowSet(capacity: reader.docCount)
            for o in 0..<reader.docCount {
                if case let .int(n)? = try reader.document(at: o)["n"], n % 100 == 0 { rows.insert(o) }
            }
            return rows
        }, document: { doc in if case let .int(n)? = doc["n"] { return n % 100 == 0 }; return false })
        let query = try QueryBatch(vector: Array(vectors[(7 * Self.d)..<(8 * Self.d)]), dimension: Self.d, metric: .l2)
        let hits = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 10, nprobe: 1, filter: filter)[0]
        #expect(hits.count == 10)
        #expect(hits.allSatisfy { Int($0.id.dropFirst())! % 100 == 0 })
        let allowed = Set(stride(from: 0, to: 3000, by: 100))
        let want = VectorTestData.naive(vectors, Array(vectors[(7 * Self.d)..<(8 * Self.d)]), d: Self.d, k: 10, metric: .l2, allowed: allowed)
        #expect(hits.map(\.id) == want.map { "v\($0.id)" })
        try f.store.close()
    }

    @Test func badVectorsAreRefusedBeforeAnythingIsWritten() throws {
        let dir = TempDirectory()
        let f = try Self.open(dir.sub("db"))
        try f.store.createCollection("docs")
        let good = Document(id: "ok", fields: [Field("embedding", .vector([Float](repeating: 1, count: Self.d)))])
        let bad: [Document] = [
            Document(id: "short", fields: [Field("embedding", .vector([1, 2, 3]))]),
            Document(id: "nan", fields: [Field("embedding", .vector([Float](repeating: .nan, count: Self.d)))]),
            Document(id: "inf", fields: [Field("embedding", .vector([.infinity] + [Float](repeating: 0, count: Self.d - 1)))]),
            Document(id: "text", fields: [Field("embedding", .string("not a vector"))]),
        ]
        for doc in bad {
            var batch = WriteBatch()
            batch.put(good, in: "docs")
            batch.put(doc, in: "docs")
            #expect(throws: VectorError.self, "\(doc.id)") { try f.store.write(batch) }
        }
        #expect(try f.store.snapshot().count(in: "docs") == 0)
        try f.store.put(Document(id: "no-vector", fields: [Field("n", .int(1))]), in: "docs")
        #expect(try f.store.snapshot().count(in: "docs") == 1)
        try f.store.close()
    }

    @Test(arguments: [VectorMetric.cosine, .innerProduct])
    func sq8SegmentsPersistAndRerankExactly(metric: VectorMetric) throws {
        let dir = TempDirectory()
        let spec = VectorFieldSpec(field: "embedding", dimension: Self.d, metric: metric, index: .ivfSQ8, nlist: 24)
        let vectors = VectorTestData.clustered(3000, Self.d, clusters: 30, seed: 25)
        let f = try Self.open(dir.sub("db"), spec: spec)
        try f.store.createCollection("docs")
        try Self.put(f.store, range: 0..<3000, vectors: vectors)
        try f.store.close()
        let g = try Self.open(dir.sub("db"), spec: spec)
        let reader = try g.store.snapshot().segments(of: "docs")[0].reader
        #expect(try reader.section(VectorSections.tag("VQ", 0))?.count == 8 * Self.d + 3000 * Self.d)
        let queries = try QueryBatch(values: Array(vectors[0..<(30 * Self.d)]), dimension: Self.d, metric: metric)
        let truth = try FlatIndex(vectors: vectors, dimension: Self.d, metric: metric).search(queries, k: 10)
        let hits = try g.searcher.search(g.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 24)
        for (h, t) in zip(hits, truth) {
            #expect(h.map(\.id) == t.map { "v\($0.id)" } || abs(h[9].score - t[9].score) < 1e-4)
            #expect(abs(h[0].score - t[0].score) < 1e-4)
        }
        try g.store.close()
    }

    @Test func aDamagedVectorSectionIsATypedErrorNamingTheFile() throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(1500, Self.d, clusters: 30, seed: 26)
        let f = try Self.open(dir.sub("db"))
        try f.store.createCollection("docs")
        try Self.put(f.store, range: 0..<1500, vectors: vectors)
        try f.store.close()
        let seg = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.sub("db")).first { $0.hasSuffix(".seg") })
        let path = dir.sub("db") + "/" + seg
        let g0 = try Self.open(dir.sub("db"))
        let offset = Int(try g0.store.snapshot().segments(of: "docs")[0].reader.offset(of: VectorSections.tag("VD", 0))) + 100
        try g0.store.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Opening reads the centroids (intact); the damaged rows are found when searched.
        let g = try Self.open(dir.sub("db"))
        let q = try QueryBatch(vector: Array(vectors[0..<Self.d]), dimension: Self.d, metric: .l2)
        do {
            _ = try g.searcher.search(g.store.snapshot(), collection: "docs", queries: q, k: 3)
            Issue.record("search over a damaged section succeeded")
        } catch let StorageError.corruption(file, _, reason) {
            #expect(file == path)
            #expect(reason.contains("VD00"))
        }
        try g.store.close()
    }

    @Test func aQueryOfTheWrongDimensionIsATypedError() throws {
        let dir = TempDirectory()
        let f = try Self.open(dir.sub("db"))
        try f.store.createCollection("docs")
        let q = try QueryBatch(vector: [1, 2, 3], dimension: 3, metric: .l2)
        #expect(throws: VectorError.wrongDimension(expected: Self.d, found: 3, row: 0)) {
            try f.searcher.search(f.store.snapshot(), collection: "docs", queries: q, k: 3)
        }
        try f.store.close()
    }
}
