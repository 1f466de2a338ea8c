import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveVector

/// IVF-PQ in segments: the rotation, codebooks and codes are written at flush, reused by
/// later segments and by compaction, read back after reopening (never retrained), and
/// checked value by value when a file is valid by checksum but wrong inside.
@Suite(.ownThread) struct IVFPQPersistenceTests {
    static let d = 16
    static let spec = VectorFieldSpec(field: "embedding", dimension: d, metric: .cosine, index: .ivfPQ, nlist: 24,
                                      codes: PQParameters(subquantizers: 4, rerank: 8))
    typealias P = VectorPersistenceTests

    static func section(_ store: Store, _ prefix: StaticString, segment: Int = 0) throws -> [UInt8] {
        Array(try #require(try store.snapshot().segments(of: "docs")[segment].reader.section(VectorSections.tag(prefix, 0))))
    }

    @Test func quantizersPersistAcrossSegmentsReopenAndCompaction() throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(5000, Self.d, clusters: 40, seed: 71)
        let f = try P.open(dir.sub("db"), spec: Self.spec)
        try f.store.createCollection("docs")
        try P.put(f.store, range: 0..<3000, vectors: vectors)
        try P.flush(f.store)
        try P.put(f.store, range: 3000..<5000, vectors: vectors)
        try P.flush(f.store)
        let h = try VectorSections.Header.decode(try #require(try f.store.snapshot().segments(of: "docs")[0].reader.section(VectorSections.tag("VH", 0))), path: "", at: 0)
        #expect(h.ivf && h.pq && h.m == 4 && !h.sq8)
        #expect(try Self.section(f.store, "VK").count == 3000 * 4)
        // The second segment encoded with the first one's rotation and codebooks.
        let rotation = try Self.section(f.store, "VR")
        #expect(rotation.count == Self.d * Self.d * 4)
        #expect(try Self.section(f.store, "VR", segment: 1) == rotation)
        #expect(try Self.section(f.store, "VB", segment: 1) == Self.section(f.store, "VB"))

        let queries = try QueryBatch(values: Array(vectors[0..<(40 * Self.d)]), dimension: Self.d, metric: .cosine)
        let truth = try FlatIndex(vectors: vectors, dimension: Self.d, metric: .cosine).search(queries, k: 10)
        let hits = try f.searcher.search(f.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 24)
        var found = 0
        for (h, t) in zip(hits, truth) { found += Set(h.map(\.id)).intersection(t.map { "v\($0.id)" }).count }
        #expect(Double(found) / 400 >= 0.95)
        try f.store.close()

        let g = try P.open(dir.sub("db"), spec: Self.spec)
        #expect(g.registry.quantizer(collection: "docs", field: "embedding")?.residualCodes?.subquantizers == 4)
        let again = try g.searcher.search(g.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 24)
        #expect(again.map { $0.map(\.id) } == hits.map { $0.map(\.id) })
        try g.store.delete(id: "v0", in: "docs")
        try g.store.compact()
        #expect(try g.store.snapshot().segments(of: "docs").count == 1)
        #expect(try Self.section(g.store, "VR") == rotation)
        let compacted = try g.searcher.search(g.store.snapshot(), collection: "docs", queries: queries, k: 10, nprobe: 24)
        #expect(!compacted[0].contains { $0.id == "v0" })
        let kept = hits[1].map(\.id).filter { $0 != "v0" }.prefix(9)
        #expect(Set(compacted[1].map(\.id)).intersection(kept).count >= 8)
        try g.store.close()
    }

    /// Files that pass their checksums but hold impossible values: a NaN in the rotation,
    /// an unknown codes kind, a slice count that does not divide the dimension, and a
    /// header whose 32-bit dimension and nlist would overflow the centroid section's size
    /// (read when the registry loads, before any search). Each is a typed corruption
    /// error, never a crash or NaN scores.
    @Test(arguments: ["nan-rotation", "codes-kind", "slices", "huge-sizes"])
    func wrongValuesAreTypedErrors(damage: String) throws {
        let dir = TempDirectory()
        let vectors = VectorTestData.clustered(1500, Self.d, clusters: 20, seed: 72)
        let f = try P.open(dir.sub("db"), spec: Self.spec)
        try f.store.createCollection("docs")
        try P.put(f.store, range: 0..<1500, vectors: vectors)
        try f.store.close()
        let seg = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.sub("db")).first { $0.hasSuffix(".seg") })
        let path = dir.sub("db") + "/" + seg
        switch damage {
        case "nan-rotation": try SegmentSurgery.edit(path, section: VectorSections.tag("VR", 0)) { SegmentSurgery.put32(&$0, 20, Float.nan.bitPattern) }
        case "codes-kind": try SegmentSurgery.edit(path, section: VectorSections.tag("VH", 0)) { SegmentSurgery.put32(&$0, 32, 3) }
        case "huge-sizes": try SegmentSurgery.edit(path, section: VectorSections.tag("VH", 0)) {
            SegmentSurgery.put32(&$0, 12, 0xFFFF_FFF0)
            SegmentSurgery.put32(&$0, 28, 0xFFFF_FFF0)
        }
        default: try SegmentSurgery.edit(path, section: VectorSections.tag("VH", 0)) { SegmentSurgery.put32(&$0, 36, 5) }
        }
        let q = try QueryBatch(vector: Array(vectors[0..<Self.d]), dimension: Self.d, metric: .cosine)
        do {
            let g = try P.open(dir.sub("db"), spec: Self.spec)
            defer { try? g.store.close() }
            _ = try g.searcher.search(g.store.snapshot(), collection: "docs", queries: q, k: 3)
            Issue.record("\(damage): opened and searched")
        } catch let StorageError.corruption(file, _, reason) {
            #expect(file == path)
            let expected = ["nan-rotation": "not finite", "codes-kind": "unknown list codes", "slices": "subquantizers", "huge-sizes": "schema says 16-d"][damage] ?? "?"
            #expect(reason.contains(expected), "\(reason)")
        }
    }
}
