import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

/// Linear fusion: each side's scores normalised within the query, weighted, summed.
@Suite struct FusionTests {
    static func hits(_ pairs: [(String, Double)]) -> [EngineHit] { pairs.map { EngineHit(id: $0.0, score: $0.1) } }

    @Test func minMaxKeepsHowFarAheadAHitIs() {
        let text = Self.hits([("a", 10), ("b", 5), ("c", 1)])
        let vector = Self.hits([("b", 0.9), ("d", 0.8), ("a", 0.1)])
        let fused = HybridSearch.fuseLinear([(text, 1), (vector, 1)], normalization: .minMax, limit: 10)
        // a: 1 + 0; b: 4/9 + 1; c: 0 + 0 (not returned by the vector side); d: 0 (missing) + 0.875.
        let expected: [(String, Double)] = [("b", 4.0 / 9 + 1), ("a", 1), ("d", 0.875), ("c", 0)]
        #expect(fused.map(\.id) == expected.map(\.0))
        for (f, e) in zip(fused, expected) { #expect(abs(f.score - e.1) < 1e-12, "\(f.id)") }
        // Weights scale each side; an all-equal side normalises to 1.
        let flat = HybridSearch.fuseLinear([(Self.hits([("x", 3), ("y", 3)]), 2), (Self.hits([("y", 1)]), 1)], normalization: .minMax, limit: 10)
        #expect(flat.map(\.id) == ["y", "x"] && flat.map(\.score) == [3, 2])
    }

    @Test func zScoreGivesAMissingHitTheSidesLowestValue() {
        let text = Self.hits([("a", 3), ("b", 1)])  // mean 2, sd 1: a +1, b -1
        let vector = Self.hits([("c", 0.5)])       // one hit: sd 0, so 1 (and 0 when missing)
        let fused = HybridSearch.fuseLinear([(text, 1), (vector, 0.5)], normalization: .zScore, limit: 10)
        // a: 1 + 0.5·0; b: -1 + 0.5·0; c: -1 (text's lowest) + 0.5·1.
        #expect(fused.map(\.id) == ["a", "c", "b"])
        #expect(fused.map(\.score) == [1, -0.5, -1])
    }

    /// The case the issue measured: the text side finds the exact document far ahead of
    /// the rest, the vector side ranks it low among near-misses. Ranks alone (RRF) let the
    /// near-misses win; scores (linear) keep the exact match first.
    @Test func linearFusionKeepsAStrongExactMatchThatRRFLoses() async throws {
        let dir = TempDirectory()
        let db = try TenantTests.open(dir)
        var docs = [TenantTests.doc("exact", "u", "kernel subsystem uevent KERNEL_SUBSYSTEM variable", [0.2, 0.98, 0, 0])]
        // Near-misses: the common word only (low BM25), but closest to the query vector.
        for i in 0..<6 { docs.append(TenantTests.doc("near\(i)", "u", "subsystem device \(i) notes here", [1, Float(i) * 0.01, 0, 0])) }
        docs.append(TenantTests.doc("weak", "u", "the subsystem", [0, 0, 1, 0]))
        try await db.put(docs, in: "m", tenant: "u")
        var q = EngineQuery(text: "KERNEL_SUBSYSTEM uevent", vector: [1, 0, 0, 0], limit: 3)
        // The default fusion (linear, z-score, 0.7 / 0.3) keeps it first.
        let byDefault = try await db.search(q, in: "m", tenant: "u").hits
        #expect(byDefault.first?.id == "exact", "\(byDefault.map(\.id))")
        q.fusion = .rrf
        #expect(try await db.search(q, in: "m", tenant: "u").hits.first?.id != "exact", "RRF: the near-misses outvote it")
        q.fusion = .linear(.minMax)
        let hits = try await db.search(q, in: "m", tenant: "u").hits
        #expect(hits.first?.id == "exact", "\(hits.map(\.id))")
        q.textWeight = -1
        await #expect(throws: EngineError.self) { _ = try await db.search(q, in: "m", tenant: "u") }
        try db.close()
    }
}
