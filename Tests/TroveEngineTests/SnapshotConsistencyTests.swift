import Synchronization
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

/// Readers racing a writer whose batches trigger flushes and merges: every read sees
/// whole batches only, and a backup taken meanwhile holds a prefix of them.
@Suite struct SnapshotConsistencyTests {
    static let batchSize = 20

    static func open(_ dir: TempDirectory) throws -> Database {
        var options = DatabaseOptions()
        options.store.memtableBytes = 24 << 10
        options.store.mergeFactor = 2
        options.store.durability = .interval(milliseconds: 50)
        let db = try Database.open(at: dir.sub("db"), options: options)
        try db.createCollection("m", schema: try CollectionSchema(jsonText: QueryFeatureTests.schema))
        return db
    }

    static func batch(_ n: Int) -> [Document] {
        (0..<batchSize).map { i in
            Document(id: "b\(n)-\(i)", fields: [Field("owner", .string("u")), Field("conversation", .string("b\(n)")),
                                                Field("text", .string("batch message number \(i)")), Field("ts", .timestamp(Int64(n))),
                                                Field("tokens", .int(1))])
        }
    }

    @Test func readersNeverSeeHalfABatch() async throws {
        let dir = TempDirectory()
        let db = try Self.open(dir)
        let done = Atomic<Bool>(false)
        async let writer: Int = {
            var n = 0
            while n < 150 {
                try await db.put(Self.batch(n), in: "m", tenant: "u")
                n += 1
            }
            done.store(true, ordering: .releasing)
            return n
        }()
        var reads = 0
        while !done.load(ordering: .acquiring) || reads < 20 {
            let buckets = try await db.aggregate(EngineQuery(), Aggregation(groupBy: [.keyword("conversation")], metrics: [.sum("tokens")]), in: "m", tenant: "u")
            for b in buckets { #expect(b.count == Self.batchSize && b.values[0] == Double(Self.batchSize), "batch \(b.key) seen with \(b.count) documents") }
            let text = try await db.count(EngineQuery(text: "batch"), in: "m", tenant: "u")
            #expect(text % Self.batchSize == 0, "a text count of \(text) cuts a batch")
            var q = EngineQuery(limit: 10_000)
            q.sort = .field("ts", descending: true)
            let ids = try await db.search(q, in: "m", tenant: "u").hits.map(\.id)
            #expect(ids.count % Self.batchSize == 0)
            reads += 1
        }
        #expect(try await writer == 150)
        #expect(try await db.count(EngineQuery(), in: "m", tenant: "u") == 150 * Self.batchSize)
        #expect(try db.store.snapshot().segmentsInfo(of: "m").count >= 1)
        try db.close()
    }

    /// `Database.backup` while batches keep coming: the copy opens, verifies, and holds
    /// batches 0..<n whole, n at least what was written before the backup began.
    @Test func backupWhileWritingHoldsAPrefix() async throws {
        let dir = TempDirectory()
        let db = try Self.open(dir)
        let written = Atomic<Int>(0)
        async let writer: Void = {
            for n in 0..<200 {
                try await db.put(Self.batch(n), in: "m", tenant: "u")
                written.store(n + 1, ordering: .releasing)
            }
        }()
        while written.load(ordering: .acquiring) < 60 { await Task.yield() }
        let before = written.load(ordering: .acquiring)
        _ = try db.backup(to: dir.sub("copy"))
        try await writer
        try db.close()

        let report = try Verifier.verify(path: dir.sub("copy"))
        #expect(report.isClean, "\(report.problems)")
        let copy = try Database.open(at: dir.sub("copy"))
        let buckets = try await copy.aggregate(EngineQuery(), Aggregation(groupBy: [.keyword("conversation")]), in: "m", tenant: "u")
        let batches = Set(buckets.map { $0.key[0] })
        #expect(buckets.allSatisfy { $0.count == Self.batchSize })
        #expect(batches == Set((0..<batches.count).map { "b\($0)" }), "the copy is not a prefix")
        #expect(batches.count >= before)
        try copy.close()
    }
}
