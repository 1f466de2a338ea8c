import Foundation
import Testing
@testable import TroveEngine
import TroveStorage
import TroveTestSupport

/// Durable writes wait for the disk off Swift's cooperative pool: every fsync an awaited
/// write causes runs outside any task. Before, `put`, `delete`, `update` and `apply` ran
/// the commit, fsync included, on the calling task's cooperative thread.
@Suite struct WriteThreadsTests {
    @Test func awaitedWritesSyncOutsideTheCooperativePool() async throws {
        let dir = TempDirectory()
        let fs = FaultInjectingFileSystem()
        var options = DatabaseOptions()
        options.store.fileSystem = fs
        let db = try Database.open(at: dir.sub("db"), options: options)
        defer { try? db.close() }
        try db.createCollection("notes", schema: CollectionSchema(fields: [.init("tenant", .keyword), .init("n", .int)], tenantField: "tenant"))
        fs.slowSyncs(by: 20_000)
        // Creating the collection (a synchronous call) synced inside this task: count after it.
        let before = fs.syncsInsideTasks.load(ordering: .relaxed)
        let clock = ContinuousClock(), start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask { try await db.put(Document(id: "n\(i)", fields: [Field("tenant", .string("t"))]), in: "notes", tenant: "t") }
            }
            try await group.waitForAll()
        }
        #expect(clock.now - start >= .milliseconds(20), "the writes waited for the slow disk")
        #expect(try await db.update("n1", in: "notes", tenant: "t", set: [Field("n", .int(1))]))
        #expect(try await db.delete("n2", in: "notes", tenant: "t"))
        try await db.apply([.delete(id: "n3", in: "notes")], tenant: "t")
        #expect(fs.syncsInsideTasks.load(ordering: .relaxed) == before)
        #expect(try await db.count(EngineQuery(), in: "notes", tenant: "t") == 6)
        // The probe sees a sync inside a task: the blocking variant, called from one, is one.
        try db.applySynchronously([.delete(id: "n4", in: "notes")], tenant: "t")
        #expect(fs.syncsInsideTasks.load(ordering: .relaxed) > before)
    }
}
