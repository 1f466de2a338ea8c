import Testing
import TroveStorage
import TroveVector
import TroveTestSupport
@testable import TroveEngine

@Suite struct SchemaTests {
    static let json = """
        {"tenant": "owner", "fields": [{"name": "owner", "type": "keyword"},
         {"name": "text", "type": "text", "analyzer": "english", "phrases": true},
         {"name": "embedding", "type": "vector", "dimension": 4, "metric": "cosine", "index": "flat"},
         {"name": "ts", "type": "timestamp"}, {"name": "tokens", "type": "int"}, {"name": "cost", "type": "double"}]}
        """

    @Test func jsonRoundTripAndPersistence() throws {
        let schema = try CollectionSchema(jsonText: Self.json)
        #expect(schema.tenantField == "owner" && schema.fields.count == 6)
        #expect(try CollectionSchema(json: schema.json) == schema)
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("messages", schema: schema)
        try db.close()
        let again = try Database.open(at: dir.sub("db"))
        #expect(try again.schema(of: "messages") == schema)
        #expect(throws: EngineError.collectionExists("messages")) { try again.createCollection("messages", schema: schema) }
        try again.close()
    }

    /// IVF-PQ's `m` (bytes per row) and `rerank` round-trip, and reach the vector layer.
    @Test func ivfPQParametersRoundTripAndAreChecked() throws {
        let text = #"{"fields": [{"name": "v", "type": "vector", "dimension": 384, "index": "ivf-pq", "m": 96, "rerank": 20}]}"#
        let schema = try CollectionSchema(jsonText: text)
        #expect(try CollectionSchema(json: schema.json) == schema)
        #expect(schema.vectorSpecs.first?.subquantizers == 96 && schema.vectorSpecs.first?.codes.rerank == 20)
        let plain = try CollectionSchema(jsonText: #"{"fields": [{"name": "v", "type": "vector", "dimension": 384, "index": "ivf-pq"}]}"#)
        #expect(plain.vectorSpecs.first?.subquantizers == 48 && plain.vectorSpecs.first?.codes.rerank == 10)
        let bad: [(String, String)] = [
            (#""index": "ivf-pq", "m": 50"#, "$.fields[0].m: an integer that divides the dimension 384"),
            (#""index": "ivf-pq", "m": "48""#, "$.fields[0].m: an integer that divides the dimension 384"),
            (#""index": "ivf-pq", "rerank": 0"#, "$.fields[0].rerank: an integer in 1...100"),
            (#""index": "ivf-pq", "ef_search": 10"#, "$.fields[0].ef_search: only for index hnsw"),
            (#""index": "ivf", "rerank": 5"#, "$.fields[0].rerank: only for index ivf-pq"),
            (#""index": "flat", "m": 8"#, "$.fields[0].m: only for index hnsw or ivf-pq"),
        ]
        for (extra, expected) in bad {
            let json = #"{"fields": [{"name": "v", "type": "vector", "dimension": 384, "# + extra + "}]}"
            #expect(throws: SchemaError.invalid(expected), "\(extra)") { try CollectionSchema(jsonText: json) }
        }
    }

    /// IVF's `spill` round-trips, reaches the vector layer, and is refused off plain IVF.
    @Test func ivfSpillRoundTripsAndIsChecked() throws {
        let schema = try CollectionSchema(jsonText: #"{"fields": [{"name": "v", "type": "vector", "dimension": 8, "index": "ivf", "spill": 0.4}]}"#)
        #expect(try CollectionSchema(json: schema.json) == schema)
        #expect(schema.vectorSpecs.first?.spill == 0.4)
        let none = try CollectionSchema(jsonText: #"{"fields": [{"name": "v", "type": "vector", "dimension": 8, "index": "ivf", "spill": 0}]}"#)
        #expect(none.vectorSpecs.first?.spill == 0)
        let plain = try CollectionSchema(jsonText: #"{"fields": [{"name": "v", "type": "vector", "dimension": 8, "index": "ivf"}]}"#)
        #expect(plain.vectorSpecs.first?.spill == SpilledRows.defaultFraction)
        #expect(try CollectionSchema(json: plain.json) == plain)
        let bad: [(String, String)] = [
            (#""index": "ivf", "spill": 1.5"#, "$.fields[0].spill: a number from 0 to 1"),
            (#""index": "ivf", "spill": "0.2""#, "$.fields[0].spill: a number from 0 to 1"),
            (#""index": "ivf-sq8", "spill": 0.2"#, "$.fields[0].spill: only for index ivf"),
            (#""index": "ivf-pq", "spill": 0.2"#, "$.fields[0].spill: only for index ivf"),
            (#""index": "hnsw", "spill": 0.2"#, "$.fields[0].spill: only for index ivf"),
        ]
        for (extra, expected) in bad {
            let json = #"{"fields": [{"name": "v", "type": "vector", "dimension": 8, "# + extra + "}]}"
            #expect(throws: SchemaError.invalid(expected), "\(extra)") { try CollectionSchema(jsonText: json) }
        }
    }

    @Test func badSchemasNameWhatIsWrong() {
        let cases: [(String, String)] = [
            (#"{"fields": [{"name": "x", "type": "blob"}]}"#, "$.fields[0].type"),
            (#"{"fields": [{"type": "int"}]}"#, "$.fields[0].name"),
            (#"{"fields": [{"name": "v", "type": "vector", "dimension": 0}]}"#, "$.fields[0].dimension"),
            (#"{"fields": 3}"#, "$.fields"),
            (#"{"tenant": "t", "fields": [{"name": "t", "type": "int"}]}"#, "tenant field"),
            (#"{"fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}"#, "declared twice"),
            ("[1, 2", "not JSON"),
        ]
        for (text, expected) in cases {
            do {
                _ = try CollectionSchema(jsonText: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    /// A collection the engine did not make (no schema in its metadata) is named as such.
    @Test func collectionsWithoutASchemaAreRefusedClearly() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.store.createCollection("raw", metadata: Array("not a schema".utf8))
        #expect(throws: EngineError.noSchema("raw")) { _ = try db.schema(of: "raw") }
        await #expect(throws: EngineError.noSchema("raw")) { try await db.put(Document(id: "a", fields: []), in: "raw") }
        #expect(try db.store.snapshot().count(in: "raw") == 0)
        try db.close()
    }

    @Test func fieldsMayBeAddedNotChanged() throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let v1 = try CollectionSchema(fields: [.init("text", .text(analyzer: .english, phrases: true)), .init("ts", .timestamp)])
        try db.createCollection("c", schema: v1)
        let v2 = try CollectionSchema(fields: v1.fields + [.init("role", .keyword)])
        try db.updateSchema(of: "c", to: v2)
        #expect(try db.schema(of: "c") == v2)
        let changed = try CollectionSchema(fields: [.init("text", .text(analyzer: .standard, phrases: true)), .init("ts", .timestamp), .init("role", .keyword)])
        #expect(throws: SchemaError.incompatible(field: "text", reason: "its type or options cannot change")) { try db.updateSchema(of: "c", to: changed) }
        let dropped = try CollectionSchema(fields: [.init("text", .text(analyzer: .english, phrases: true))])
        #expect(throws: SchemaError.self) { try db.updateSchema(of: "c", to: dropped) }
        let reordered = try CollectionSchema(fields: [.init("ts", .timestamp), .init("text", .text(analyzer: .english, phrases: true)), .init("role", .keyword)])
        #expect(throws: SchemaError.incompatible(field: "text", reason: "new fields go after the existing ones")) { try db.updateSchema(of: "c", to: reordered) }
        #expect(try db.schema(of: "c") == v2)
        try db.close()
    }

    @Test func documentsThatBreakTheSchemaChangeNothing() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("m", schema: try CollectionSchema(jsonText: Self.json))
        let good = Document(id: "a", fields: [Field("owner", .string("u1")), Field("text", .string("hello")), Field("embedding", .vector([1, 0, 0, 0]))])
        let badDimension = Document(id: "b", fields: [Field("owner", .string("u1")), Field("embedding", .vector([1, 0]))])
        let badType = Document(id: "c", fields: [Field("owner", .string("u1")), Field("tokens", .string("many"))])
        await #expect(throws: SchemaError.self) { try await db.put([good, badDimension], in: "m", tenant: "u1") }
        await #expect(throws: SchemaError.self) { try await db.put(badType, in: "m", tenant: "u1") }
        #expect(try await db.get("a", in: "m", tenant: "u1") == nil)
        try await db.put(good, in: "m", tenant: "u1")
        #expect(try await db.get("a", in: "m", tenant: "u1") == good)
        try db.close()
    }

    /// An embedded field is filled by the HTTP layer, which has the embedder. Before, a
    /// writer without one (`trove import`) stored the text and silently no vector, so the
    /// document could never be found by meaning.
    @Test func aDocumentWithTheSourceTextButNoVectorIsRefused() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let schema = try CollectionSchema(jsonText: """
            {"fields": [{"name": "body", "type": "text"}, {"name": "n", "type": "int"},
             {"name": "emb", "type": "vector", "dimension": 4, "embed": {"from": "body", "model": "all-MiniLM-L6-v2"}}]}
            """)
        try db.createCollection("e", schema: schema)
        let unfilled = Document(id: "a", fields: [Field("body", .string("needs a vector"))])
        do {
            try await db.put(unfilled, in: "e")
            Issue.record("a text without its embedded vector was written")
        } catch let SchemaError.document(id, field, reason) {
            #expect(id == "a" && field == "emb" && reason.contains("'body'"), "\(reason)")
        }
        #expect(try await db.get("a", in: "e") == nil)
        let filled = Document(id: "b", fields: [Field("body", .string("has one")), Field("emb", .vector([1, 0, 0, 0]))])
        let noSource = Document(id: "c", fields: [Field("n", .int(3))])
        try await db.put([filled, noSource], in: "e")
        #expect(try await db.get("b", in: "e") == filled)
        #expect(try await db.get("c", in: "e") == noSource)
        try db.close()
    }
}
