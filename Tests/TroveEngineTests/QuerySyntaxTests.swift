import Testing
import TroveStorage
import TroveTestSupport
import TroveText
@testable import TroveEngine

/// The engine reads a query's text as `match` unless it asks for the query-string language.
@Suite struct QuerySyntaxTests {
    @Test func matchIsTheDefaultAndTakesAnyText() async throws {
        let dir = TempDirectory()
        let db = try TenantTests.open(dir)
        try await db.put(TenantTests.doc("a", "u", "see open(2) and close(2)", [1, 0, 0, 0]), in: "m", tenant: "u")
        try await db.put(TenantTests.doc("b", "u", "a quiet evening", [0, 1, 0, 0]), in: "m", tenant: "u")
        for text in [#""unclosed open("#, "+", "-open", "open^", "open:", #"open(2)) - foo.zip."#] {
            var q = EngineQuery(text: text)
            q.snippetFields = ["text"]
            let hits = try await db.search(q, in: "m", tenant: "u").hits
            #expect(hits.map(\.id) == (text == "+" ? [] : ["a"]), "\(text)")
            #expect(try await db.count(EngineQuery(text: text), in: "m", tenant: "u") == (text == "+" ? 0 : 1))
        }
        // Pasted text over the size limit is searched by its first 32 KiB in `match`...
        let long = "open " + String(repeating: "😀", count: EngineQuery.maximumTextBytes / 4 + 100)
        #expect(try await db.search(EngineQuery(text: long), in: "m", tenant: "u").hits.map(\.id) == ["a"])
        // ... and refused in the query-string language, whose meaning a cut would change.
        var strict = EngineQuery(text: long)
        strict.syntax = .queryString
        await #expect(throws: EngineError.self) { _ = try await db.search(strict, in: "m", tenant: "u") }
        strict.text = "+open -close"
        #expect(try await db.search(strict, in: "m", tenant: "u").hits.isEmpty)
        try db.close()
    }

    @Test func aCutNeverSplitsACharacter() {
        let text = "ab" + String(repeating: "é", count: 10)
        for bytes in 0...24 {
            let cut = EngineQuery.prefix(text, bytes: bytes)
            #expect(cut.utf8.count <= bytes && text.hasPrefix(cut))
            #expect(cut.utf8.count >= bytes - 1 || cut == text)
        }
    }
}
