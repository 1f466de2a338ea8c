import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

@Suite struct TenantTests {
    static func open(_ dir: TempDirectory) throws -> Database {
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("m", schema: try CollectionSchema(jsonText: SchemaTests.json))
        return db
    }

    static func doc(_ id: String, _ owner: String, _ text: String, _ v: [Float]?, ts: Int64 = 0) -> Document {
        var fields = [Field("owner", .string(owner)), Field("text", .string(text)), Field("ts", .timestamp(ts))]
        if let v { fields.append(Field("embedding", .vector(v))) }
        return Document(id: id, fields: fields)
    }

    @Test func everyCallNeedsATenantAndStaysInIt() async throws {
        let dir = TempDirectory()
        let db = try Self.open(dir)
        try await db.put(Self.doc("a", "u1", "alpha", [1, 0, 0, 0]), in: "m", tenant: "u1")
        await #expect(throws: EngineError.tenantRequired(collection: "m")) { try await db.put(Self.doc("b", "u1", "x", [1, 0, 0, 0]), in: "m") }
        await #expect(throws: EngineError.tenantMismatch(id: "b")) { try await db.put(Self.doc("b", "u2", "x", [1, 0, 0, 0]), in: "m", tenant: "u1") }
        // Another tenant can neither overwrite, read nor delete u1's document.
        await #expect(throws: EngineError.tenantMismatch(id: "a")) { try await db.put(Self.doc("a", "u2", "mine now", [0, 1, 0, 0]), in: "m", tenant: "u2") }
        #expect(try await db.get("a", in: "m", tenant: "u2") == nil)
        #expect(try await db.delete("a", in: "m", tenant: "u2") == false)
        await #expect(throws: EngineError.tenantRequired(collection: "m")) { _ = try await db.get("a", in: "m") }
        await #expect(throws: EngineError.tenantRequired(collection: "m")) { _ = try await db.search(EngineQuery(text: "alpha"), in: "m").hits }
        #expect(try await db.search(EngineQuery(text: "alpha"), in: "m", tenant: "u2").hits.isEmpty)
        #expect(try await db.search(EngineQuery(text: "alpha"), in: "m", tenant: "u1").hits.map(\.id) == ["a"])
        #expect(try await db.get("a", in: "m", tenant: "u1")?["text"] == .string("alpha"))
        try db.close()
    }

    /// A document only the vector finds, one only the text finds, one both find: their
    /// fused scores and order are what reciprocal-rank fusion (k = 60) says.
    @Test func hybridRanksByReciprocalRankFusion() async throws {
        let dir = TempDirectory()
        let db = try Self.open(dir)
        try await db.put([
            Self.doc("both", "u", "solar panel output", [0.9, 0.1, 0, 0]),
            Self.doc("text", "u", "solar storm", nil),
            Self.doc("vector", "u", "unrelated words", [1, 0, 0, 0]),
        ], in: "m", tenant: "u")
        var q = EngineQuery(text: "solar panel", vector: [1, 0, 0, 0], limit: 3)
        q.fusion = .rrf
        let textOnly = try await db.search(EngineQuery(text: "solar panel", limit: 3), in: "m", tenant: "u").hits.map(\.id)
        let vectorOnly = try await db.search(EngineQuery(vector: [1, 0, 0, 0], limit: 3), in: "m", tenant: "u").hits.map(\.id)
        #expect(textOnly == ["both", "text"])
        #expect(vectorOnly == ["vector", "both"])
        let hits = try await db.search(q, in: "m", tenant: "u").hits
        func rrf(_ id: String) -> Double {
            [textOnly, vectorOnly].reduce(0.0) { s, list in s + (list.firstIndex(of: id).map { 1 / Double(60 + $0 + 1) } ?? 0) }
        }
        #expect(hits.map(\.id) == ["both", "vector", "text"])
        for h in hits { #expect(abs(h.score - rrf(h.id)) < 1e-12) }
        q.textWeight = 3
        #expect(try await db.search(q, in: "m", tenant: "u").hits.map(\.id) == ["both", "text", "vector"])
        try db.close()
    }
}

@Suite struct EngineQueryErrorTests {
    /// Malformed queries are typed errors that say what is wrong, and nothing changes.
    @Test func badQueriesAreClearErrors() async throws {
        let dir = TempDirectory()
        let db = try TenantTests.open(dir)
        try await db.put(TenantTests.doc("a", "u", "alpha beta", [1, 0, 0, 0]), in: "m", tenant: "u")
        let cases: [(EngineQuery, String)] = [
            ({ var q = EngineQuery(); q.sort = .field("owner", descending: true); return q }(), "cannot sort by 'owner'"),
            ({ var q = EngineQuery(); q.searchAfter = "garbage"; return q }(), "malformed search_after cursor"),
            ({ var q = EngineQuery(); q.searchAfter = "o.ffff.10"; return q }(), "the cursor has expired"),
            ({ var q = EngineQuery(); q.searchAfter = "o.ffff.10"; q.sort = .field("ts", descending: false); return q }(), "the cursor belongs to a query with another sort"),
            ({ var q = EngineQuery(); q.snippetFields = ["text"]; return q }(), "snippets need a text query"),
            ({ var q = EngineQuery(text: "a"); q.snippetFields = ["owner"]; return q }(), "not a text field"),
            (EngineQuery(filters: [.exists(field: "nope")]), "'nope' is not a declared field"),
            (EngineQuery(vector: [1, 0]), "the vector has 2 values; 'embedding' has 4"),
            (EngineQuery(text: "alpha", filters: [.equals(field: "text", value: "x")]), "'text' is not a keyword field"),
            (EngineQuery(text: "alpha", filters: [.range(field: "owner", from: 0, to: 1)]), "'owner' is not a numeric or timestamp field"),
            ({ var q = EngineQuery(text: "\"unclosed phrase"); q.syntax = .queryString; return q }(), "bad query"),
            (EngineQuery(text: "alpha", limit: -1), "must not be negative"),
        ]
        for (query, expected) in cases {
            do {
                _ = try await db.search(query, in: "m", tenant: "u").hits
                Issue.record("accepted a bad query, expected: \(expected)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        await #expect(throws: EngineError.unknownCollection("nope")) { _ = try await db.search(EngineQuery(text: "a"), in: "nope", tenant: "u").hits }
        #expect(try await db.search(EngineQuery(text: "alpha"), in: "m", tenant: "u").hits.map(\.id) == ["a"])
        try db.close()
    }
}
