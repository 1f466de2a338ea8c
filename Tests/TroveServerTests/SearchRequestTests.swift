import Hummingbird
import Testing
import TroveEngine
import TroveJSON
@testable import TroveServer
import TroveStorage

/// The search body is read strictly: before, `"limit": "5"`, `"text": 42`, a misspelt
/// member or a filter's `"equals": 3` were ignored and the search ran with defaults.
@Suite struct SearchRequestTests {
    static func refusal(_ body: String) -> String? {
        do {
            _ = try SearchRequest.query(try JSONParser.parse(body))
            return nil
        } catch {
            return APIError.from(error).code
        }
    }

    @Test func wronglyTypedOrUnknownMembersNameTheirPath() {
        let cases: [(String, String)] = [
            (#"{"text": "a", "limit": "5"}"#, "$.limit"),
            (#"{"text": 42}"#, "$.text"),
            (#"{"text": "a", "limt": 5}"#, "$.limt"),
            (#"{"text": "a", "nprobe": 0}"#, "$.nprobe"),
            (#"{"text": "a", "ef_search": 1.5}"#, "$.ef_search"),
            (#"{"text": "a", "include_documents": "yes"}"#, "$.include_documents"),
            (#"{"text": "a", "snippets": ["body", 3]}"#, "$.snippets[1]"),
            (#"{"text": "a", "filters": {"field": "x"}}"#, "$.filters"),
            (#"{"text": "a", "filters": [{"field": "x", "equals": 3}]}"#, "$.filters[0].equals"),
            (#"{"text": "a", "filters": [{"field": "x", "in": ["a", 1]}]}"#, "$.filters[0].in[1]"),
            (#"{"text": "a", "filters": [{"field": "x", "equal": "y"}]}"#, "$.filters[0].equal"),
            (#"{"text": "a", "filters": [{"field": "t", "from": true}]}"#, "$.filters[0].from"),
            (#"{"text": "a", "filters": ["x"]}"#, "$.filters[0]"),
            (#"{"text": "a", "fusion": {"method": "rrf", "kk": 5}}"#, "$.fusion.kk"),
            (#"{"text": "a", "fusion": {"k": 0}}"#, "$.fusion.k"),
            (#"{"text": "a", "sort": 1}"#, "$.sort"),
            (#"{"vector": [1, "2"]}"#, "$.vector[1]"),
            (#"["text"]"#, "$"),
        ]
        for (body, path) in cases {
            #expect(Self.refusal(body) == path, "\(body)")
        }
        #expect(Self.refusal(#"{"text": "a", "limit": 1001}"#) == "limit_exceeded")
    }

    @Test func aCompleteBodyIsReadIntoTheQuery() throws {
        let q = try SearchRequest.query(try JSONParser.parse(#"""
            {"text": "kettle", "syntax": "query_string", "text_field": "body", "vector": [1, 0.5], "vector_field": "emb",
             "nprobe": 32, "ef_search": 64, "limit": 5.0, "sort": "-at", "cursor": "c1", "include_documents": false,
             "snippets": ["body"], "fusion": {"method": "rrf", "k": 30},
             "filters": [{"field": "tag", "equals": "x"}, {"field": "tag", "in": ["a", "b"]}, {"field": "at", "from": "2026-01-01T00:00:00Z", "to": 5},
                         {"field": "tag", "exists": true}, {"field": "at", "from": null, "to": 9}]}
            """#))
        #expect(q.text == "kettle" && q.syntax == .queryString && q.textField == "body" && q.vector == [1, 0.5] && q.vectorField == "emb")
        #expect(q.nprobe == 32 && q.efSearch == 64 && q.limit == 5 && q.searchAfter == "c1" && !q.includeDocuments && q.snippetFields == ["body"])
        #expect(q.sort == .field("at", descending: true) && q.fusion == .rrf && q.rrfK == 30)
        #expect(q.filters == [.equals(field: "tag", value: "x"), .oneOf(field: "tag", values: ["a", "b"]),
                              .range(field: "at", from: 1_767_225_600_000_000, to: 5), .exists(field: "tag"), .range(field: "at", from: nil, to: 9)])
        // Pasted text longer than the 32 KiB searched is still a query (its prefix is
        // searched), not a refusal: the strict reader sets no length of its own.
        let pasted = String(repeating: "kettle at dawn, ", count: 8_000)
        #expect(try SearchRequest.query(.object([JSONMember("text", .string(pasted))])).text == pasted)
        let defaults = try SearchRequest.query(try JSONParser.parse(#"{"text": "a", "sort": "score", "cursor": null}"#))
        #expect(defaults.limit == 10 && defaults.sort == .score && defaults.includeDocuments && defaults.searchAfter == nil)
    }

    /// Over HTTP the refusal is a 400 whose code is the path, and nothing is searched.
    @Test func theRouteAnswers400WithThePath() async throws {
        try await ServerHarness.withUser { c, ann in
            let schema = #"{"name": "notes", "schema": {"fields": [{"name": "body", "type": "text"}]}}"#
            #expect(try await c.call(.post, "/api/collections", token: ann, json: schema).status == .created)
            let r = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "kettle", "limit": "5"}"#)
            #expect(r.status == .badRequest && r.json["error"]?["code"]?.stringValue == "$.limit", "\(r.text)")
            #expect(r.json["error"]?["message"]?.stringValue == "$.limit: expected an integer")
        }
    }
}
