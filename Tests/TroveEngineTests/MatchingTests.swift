import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

/// Whole-selection operations: `deleteMatching` across its batch size and tenants, and
/// `documents(in:)`, the read-ahead stream of a collection.
@Suite struct MatchingTests {
    @Test func deleteMatchingCrossesBatchesAndKeepsToTheTenant() async throws {
        let dir = TempDirectory()
        let db = try TenantTests.open(dir)
        let n = Database.deleteBatchSize + 700
        try await db.put((0..<n).map { TenantTests.doc("a\($0)", "u1", $0 % 2 == 0 ? "even heron" : "odd heron", nil) }, in: "m", tenant: "u1")
        try db.flush()
        try await db.put((0..<50).map { TenantTests.doc("b\($0)", "u2", "even heron", nil) }, in: "m", tenant: "u2")
        let evens = (n + 1) / 2
        #expect(try await db.matchingIDs(EngineQuery(text: "even"), in: "m", tenant: "u1").count == evens)
        #expect(try await db.deleteMatching(EngineQuery(text: "even"), in: "m", tenant: "u1") == evens)
        #expect(try await db.count(EngineQuery(), in: "m", tenant: "u1") == n - evens)
        #expect(try await db.count(EngineQuery(text: "even"), in: "m", tenant: "u1") == 0)
        #expect(try await db.count(EngineQuery(text: "even"), in: "m", tenant: "u2") == 50, "the other tenant's are untouched")
        try db.close()
    }

    @Test func documentsStreamEveryLiveOneInBatches() async throws {
        let dir = TempDirectory()
        let db = try TenantTests.open(dir)
        try await db.put((0..<1_000).map { TenantTests.doc("a\($0)", "u1", "text \($0)", nil) }, in: "m", tenant: "u1")
        try db.flush()
        try await db.put((0..<300).map { TenantTests.doc("c\($0)", "u1", "later \($0)", nil) }, in: "m", tenant: "u1")
        try await db.put((0..<40).map { TenantTests.doc("b\($0)", "u2", "other", nil) }, in: "m", tenant: "u2")
        _ = try await db.delete("a7", in: "m", tenant: "u1")
        var ids: [String] = []
        var sizes: [Int] = []
        for try await batch in try db.documents(in: "m", tenant: "u1", batchSize: 128) {
            sizes.append(batch.count)
            ids += batch.map(\.id)
        }
        #expect(ids.count == 1_299 && Set(ids).count == 1_299)
        #expect(!ids.contains("a7") && !ids.contains { $0.hasPrefix("b") })
        #expect(sizes.dropLast().allSatisfy { $0 == 128 })
        #expect(throws: EngineError.tenantRequired(collection: "m")) { _ = try db.documents(in: "m") }
        try db.close()
    }

    /// Stopping early ends the reading thread: the stream is dropped after one batch and
    /// the database still closes (a reader left blocked would hold the snapshot).
    @Test func stoppingEarlyStopsTheReader() async throws {
        let dir = TempDirectory()
        let db = try TenantTests.open(dir)
        try await db.put((0..<2_000).map { TenantTests.doc("a\($0)", "u1", "t", nil) }, in: "m", tenant: "u1")
        var seen = 0
        for try await batch in try db.documents(in: "m", tenant: "u1", batchSize: 10, buffered: 2) {
            seen += batch.count
            if seen >= 20 { break }
        }
        #expect(seen == 20)
        try await Task.sleep(for: .milliseconds(50))
        try db.close()
    }
}
