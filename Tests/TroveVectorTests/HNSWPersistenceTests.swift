import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveVector

/// HNSW graphs in segments: built at flush and merge, read in place after reopening (never
/// rebuilt), deletes and filters honoured.
@Suite struct HNSWPersistenceTests {
    static let d = 16
    static let spec = VectorFieldSpec(field: "embedding", dimension: d, metric: .cosine, index: .hnsw, graph: HNSWParameters(m: 8, efConstruction: 64, efSearch: 48))
    typealias P = VectorPersistenceTests

    @Test func graphsAreBuiltAtFlushAndReadBackAfterReopen() throws {
        let dir = TempDirectory()
        let n = 5000
        let vectors = VectorTestData.clustered(n, Self.d, clusters: 40, seed: 61)
        let f = try P.open(dir.sub("db"), spec: Self.spec)
        try f.store.createCollection("docs")
        try P.put(f.store, range: 0..<2500, vectors: vectors)
        try P.flush(f.store)
        try P.put(f.store, range: 2500..<4500, vectors: vectors)
        try P.flush(f.store)
        try P.put(f.store, range: 4500..<n, vectors: vectors)  // stays in the memtable
        let segments = try f.store.snapshot().segments(of: "docs")
        #expect(segments.count == 2)
        for s in segments { #expect(try s.reader.section(VectorSections.tag("VG", 0)) != nil) }
        let header = try #require(try segments[0].reader.section(VectorSections.tag("VH", 0)))
        let h = try VectorSections.Header.decode(header, path: "", at: 0)
        #expect(h.graph && h.m == 8 && h.efConstruction == 64)

        let queries = try QueryBatch(values: Array(vectors[0..<(30 * Self.d)]) + Array(vectors[(4600 * Self.d)..<(4610 * Self.d)]), dimension: Self.d, metric: .cosine)
        let truth = try FlatIndex(vectors: vectors, dimension: Self.d, metric: .cosine).search(queries, k: 10)
        let hits = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: queries, k: 10, ef: 100)
        var found = 0
        for (h, t) in zip(hits, truth) { found += Set(h.map(\.id)).intersection(t.map { "v\($0.id)" }).count }
        #expect(Double(found) / Double(40 * 10) >= 0.95)
        try f.store.close()

        let reopened = try P.open(dir.sub("db"), spec: Self.spec)
        let again = try reopened.searcher.search(reopened.store.snapshot(), collection: "docs", queries: queries, k: 10, ef: 100)
        #expect(again.map { $0.map(\.id) } == hits.map { $0.map(\.id) })
        let h2 = try VectorSections.Header.decode(try #require(try reopened.store.snapshot().segments(of: "docs")[0].reader.section(VectorSections.tag("VH", 0))), path: "", at: 0)
        #expect(h2.entry == h.entry && h2.topLayer == h.topLayer)
        try reopened.store.close()
    }

    @Test func deletesAreHonouredAndCompactionRebuildsTheGraph() throws {
        let dir = TempDirectory()
        let n = 4000
        let vectors = VectorTestData.clustered(n, Self.d, clusters: 40, seed: 62)
        let f = try P.open(dir.sub("db"), spec: Self.spec)
        try f.store.createCollection("docs")
        try P.put(f.store, range: 0..<2000, vectors: vectors)
        try P.flush(f.store)
        try P.put(f.store, range: 2000..<n, vectors: vectors)
        try P.flush(f.store)
        let query = try QueryBatch(vector: Array(vectors[(10 * Self.d)..<(11 * Self.d)]), dimension: Self.d, metric: .cosine)
        let before = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 5)[0]
        #expect(before.first?.id == "v10")
        for hit in before.prefix(3) { try f.store.delete(id: hit.id, in: "docs") }
        let after = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 5)[0]
        #expect(after.count == 5)
        #expect(Set(after.map(\.id)).isDisjoint(with: before.prefix(3).map(\.id)))
        try f.store.compact()
        let segs = try f.store.snapshot().segments(of: "docs")
        #expect(segs.count == 1 && segs[0].reader.docCount == n - 3)
        let graphBytes = try #require(try segs[0].reader.section(VectorSections.tag("VG", 0)))
        #expect(graphBytes.count == (n - 3) * (1 + 2 * 8) * 4)
        let merged = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 5)[0]
        #expect(merged.map(\.id) == after.map(\.id))
        try f.store.close()
    }

    @Test func aSelectiveFilterStillReturnsKExactHits() throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(3000, Self.d, clusters: 40, seed: 63)
        let f = try P.open(dir.sub("db"), spec: Self.spec)
        try f.store.createCollection("docs")
        try P.put(f.store, range: 0..<3000, vectors: vectors)
        try P.flush(f.store)
        let filter = VectorSearcher.Filter(segment: { segment in
            let reader = segment.reader
            var rows = RowSet(capacity: reader.docCount)
            for o in 0..<reader.docCount {
                if case let .int(n)? = try reader.document(at: o)["n"], n % 100 == 0 { rows.insert(o) }
            }
            return rows
        }, document: { doc in if case let .int(n)? = doc["n"] { return n % 100 == 0 }; return false })
        let query = try QueryBatch(vector: Array(vectors[(7 * Self.d)..<(8 * Self.d)]), dimension: Self.d, metric: .cosine)
        let hits = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: query, k: 10, filter: filter)[0]
        let want = VectorTestData.naive(vectors, Array(vectors[(7 * Self.d)..<(8 * Self.d)]), d: Self.d, k: 10, metric: .cosine, allowed: Set(stride(from: 0, to: 3000, by: 100)))
        #expect(hits.map(\.id) == want.map { "v\($0.id)" })
        try f.store.close()
    }
}
