import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

/// The verbs that replaced callers' direct use of the store: they keep the engine's
/// sections in every segment they cause, name unknown collections in the engine's
/// errors, and forget a dropped collection's searchers.
@Suite struct DatabaseAdminTests {
    static let textSchema = try! CollectionSchema(fields: [.init("text", .text(analyzer: .english, phrases: true)), .init("n", .int)])

    static func doc(_ i: Int, _ text: String) -> Document {
        Document(id: "d\(i)", fields: [Field("text", .string(text)), Field("n", .int(Int64(i)))])
    }

    @Test func statsCountsAndSegmentsFollowWrites() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("c", schema: Self.textSchema)
        try await db.put((0..<10).map { Self.doc($0, "word \($0)") }, in: "c")
        try db.flush()
        try await db.put(Self.doc(10, "later"), in: "c")
        #expect(try db.documentCount(in: "c") == 11)
        #expect(try db.segmentCount(of: "c") == 1)
        let stats = try db.stats()
        #expect(stats.documents == 11 && stats.collections.map(\.name) == ["c"])
        #expect(try db.bytesOnDisk() > 0)
        #expect(throws: EngineError.unknownCollection("nope")) { _ = try db.documentCount(in: "nope") }
        #expect(throws: EngineError.unknownCollection("nope")) { _ = try db.segmentCount(of: "nope") }
        try db.close()
    }

    /// A flush or compaction through the engine writes the text sections, so search
    /// reads the segment's index (the reason the store is not handed out).
    @Test func flushAndCompactionKeepTheTextSections() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("c", schema: Self.textSchema)
        try await db.put((0..<20).map { Self.doc($0, $0 == 7 ? "a rare zebra" : "common words \($0)") }, in: "c")
        try db.flush()
        try await db.put((20..<30).map { Self.doc($0, "common words \($0)") }, in: "c")
        try db.flush()
        _ = try await db.delete("d3", in: "c")
        try db.compact()
        let segments = try db.store.snapshot().segments(of: "c")
        #expect(segments.count == 1 && segments[0].reader.docCount == 29)
        #expect(segments[0].reader.sections.contains { String(describing: $0.tag).hasPrefix("XT") })
        let page = try await db.search(EngineQuery(text: "zebra"), in: "c")
        #expect(page.hits.map(\.id) == ["d7"])
        try db.close()
    }

    /// Dropping through the engine forgets the searchers, so a collection made again
    /// under the same name is searched with its new schema.
    @Test func aDroppedCollectionCanBeMadeAgainWithAnotherSchema() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("c", schema: Self.textSchema)
        try await db.put(Self.doc(1, "first life"), in: "c")
        _ = try await db.search(EngineQuery(text: "first"), in: "c")
        try db.dropCollection("c")
        #expect(throws: EngineError.unknownCollection("c")) { _ = try db.schema(of: "c") }
        let other = try CollectionSchema(fields: [.init("body", .text(analyzer: .standard, phrases: false))])
        try db.createCollection("c", schema: other)
        try await db.put(Document(id: "x", fields: [Field("body", .string("second life"))]), in: "c")
        #expect(try await db.search(EngineQuery(text: "second"), in: "c").hits.map(\.id) == ["x"])
        try db.close()
    }

    /// `trove import` without fields makes a bare collection; adding fields later gives it
    /// a schema, and metadata that is not a schema is refused rather than overwritten.
    @Test func fieldsAreAddedToBareCollectionsOnly() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollectionWithoutSchema("bare")
        #expect(throws: EngineError.collectionExists("bare")) { try db.createCollectionWithoutSchema("bare") }
        #expect(throws: EngineError.noSchema("bare")) { _ = try db.schema(of: "bare") }
        try db.addFields([.init("text", .text(analyzer: .english, phrases: true))], to: "bare")
        try db.addFields([.init("text", .text(analyzer: .english, phrases: true)), .init("ts", .timestamp)], to: "bare")
        #expect(try db.schema(of: "bare").fields.map(\.name) == ["text", "ts"])
        try db.store.createCollection("legacy", metadata: Array("not a schema".utf8))
        #expect(throws: EngineError.noSchema("legacy")) { try db.addFields([.init("ts", .timestamp)], to: "legacy") }
        #expect(try db.store.snapshot().metadata(of: "legacy") == Array("not a schema".utf8))
        try db.close()
    }

    /// Unscoped reads and deletes ignore the tenant field: the operator's tools see every
    /// document, and only they call these.
    @Test func unscopedAccessSeesEveryTenant() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let scoped = try CollectionSchema(fields: [.init("owner", .keyword), .init("text", .text(analyzer: .english, phrases: false))], tenantField: "owner")
        try db.createCollection("m", schema: scoped)
        try await db.put(Document(id: "a", fields: [Field("owner", .string("alice")), Field("text", .string("hi"))]), in: "m", tenant: "alice")
        try await db.put(Document(id: "b", fields: [Field("owner", .string("bob")), Field("text", .string("yo"))]), in: "m", tenant: "bob")
        #expect(try await db.get("a", in: "m", tenant: "bob") == nil)
        #expect(try db.unscopedGet("a", in: "m")?["owner"] == .string("alice"))
        var ids: [String] = []
        try db.unscopedForEach(in: "m") { ids.append($0.id); return true }
        #expect(ids.sorted() == ["a", "b"])
        #expect(try db.unscopedDelete("b", in: "m"))
        #expect(try !db.unscopedDelete("b", in: "m"))
        #expect(try db.documentCount(in: "m") == 1)
        try db.close()
    }

    /// The engine's extensions are required by every database it writes: a raw writable
    /// store open is refused (it would flush segments without text and vector sections).
    @Test func aRawWritableOpenOfAnEngineDatabaseIsRefused() throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("docs", schema: Self.textSchema)
        try db.close()
        #expect(throws: StorageError.missingExtensions(path: dir.sub("db"), names: ["trove.schema", "trove.text", "trove.vector"])) {
            try Store.open(at: dir.sub("db"))
        }
        try Database.open(at: dir.sub("db")).close()
    }
}
