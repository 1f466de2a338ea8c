import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer

/// `POST /api/collections/{name}/_bulk`: Elasticsearch's NDJSON actions with per-item
/// results, `?atomic=true`, a size limit, and bodies broken in ways a client really breaks
/// them, each refused with the line and member named and nothing written.
@Suite struct CollectionBulkTests {
    static let schema = #"{"name": "notes", "schema": {"fields": [{"name": "body", "type": "text"}, {"name": "tokens", "type": "int"}]}}"#

    static func count(_ c: APIClient, _ token: String) async throws -> Int? {
        try await c.call(.post, "/api/collections/notes/_count", token: token, json: "{}").json["count"]?.intValue
    }

    static func bulk(_ c: APIClient, _ token: String, _ body: String, query: String = "") async throws -> APIClient.Answer {
        try await c.call(.post, "/api/collections/notes/_bulk\(query)", token: token, headers: [.contentType: "application/x-ndjson"], raw: body)
    }

    @Test func actionsAnswerPerItemInOrder() async throws {
        try await ServerHarness.withUser { c, ann in
            _ = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            let body = """
                {"index": {"_id": "a"}}
                {"body": "Herons nest in the reeds (mostly).", "tokens": 7}
                {"index": {}}\r
                {"id": "b", "body": "open(2) returns a file descriptor", "tokens": 6}

                {"index": {}}
                {"body": "no id given: the server makes one", "tokens": "many"}
                {"index": {}}
                {"body": "ünïcödé and emoji 🦩 survive", "tokens": 5}
                {"delete": {"_id": "a"}}
                {"delete": {"_id": "never-there"}}
                {"index": {"_id": "c"}}
                {"body": "another", "tokens": 1}
                """
            let r = try await Self.bulk(c, ann, body)
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json["errors"] == .bool(true) && r.json["failed"]?.intValue == 1, "\(r.text)")
            let items = try #require(r.json["items"]?.arrayValue)
            #expect(items.count == 7)
            #expect(items[0]["index"]?["_id"] == .string("a") && items[0]["index"]?["result"] == .string("indexed"))
            #expect(items[1]["index"]?["_id"] == .string("b") && items[1]["index"]?["line"]?.intValue == 4)
            #expect(items[2]["index"]?["status"]?.intValue == 400 && items[2]["index"]?["error"]?["code"] == .string("$.tokens"), "\(items[2])")
            #expect(items[2]["index"]?["line"]?.intValue == 7)
            let generated = try #require(items[3]["index"]?["_id"]?.stringValue)
            #expect(generated.count == 36)
            #expect(items[4]["delete"]?["result"] == .string("deleted") && items[5]["delete"]?["status"]?.intValue == 404)
            #expect(try await Self.count(c, ann) == 3, "b, the generated one and c; a deleted; the bad one not written")
            let unicode = try await c.call(.get, "/api/collections/notes/documents/\(generated)", token: ann)
            #expect(unicode.json["body"] == .string("ünïcödé and emoji 🦩 survive"))
            let found = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "open(2)"}"#)
            #expect(found.json["data"]?.arrayValue?.first?["id"] == .string("b"), "\(found.text)")
        }
    }

    @Test func brokenBodiesAreRefusedWholeAndWriteNothing() async throws {
        try await ServerHarness.withUser(settings: { $0.maxBulkBytes = 64 * 1024 }) { c, ann in
            _ = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            let good = "{\"index\": {\"_id\": \"ok\"}}\n{\"body\": \"fine\", \"tokens\": 1}\n"
            let refused: [(String, String, HTTPResponse.Status)] = [
                (good + "{\"index\": {\"_id\": \"x\"}}\n{\"body\": \"cut off mid-li", "line 4: $", .badRequest),
                (good + "{\"update\": {\"_id\": \"ok\"}}\n{}", "line 3: $.update", .badRequest),
                (good + "{\"index\": {\"_id\": [1]}}\n{}", "line 3: $.index._id", .badRequest),
                (good + "{\"index\": {\"_index\": \"other\"}}\n{}", "line 3: $.index._index", .badRequest),
                (good + "{\"index\": {\"_id\": \"y\"}}\n[1, 2]", "line 4: $", .badRequest),
                (good + "{\"index\": {\"_id\": \"z\"}}", "line 3: $", .badRequest),
                (good + "{\"delete\": {}}", "line 3: $.delete._id", .badRequest),
                (good + "{\"index\": {\"_id\": \"w\"}, \"delete\": {\"_id\": \"v\"}}\n{}", "line 3: $", .badRequest),
                ("\n\n", "$", .badRequest),
                (good + String(repeating: good, count: 1_200), "too_large", .contentTooLarge),
            ]
            for (body, code, status) in refused {
                let r = try await Self.bulk(c, ann, body)
                #expect(r.status == status && r.json["error"]?["code"] == .string(code), "\(body.suffix(80)): \(r.text)")
                #expect(try await Self.count(c, ann) == 0, "nothing of \(body.suffix(40)) was written")
            }
            let badFlag = try await Self.bulk(c, ann, good, query: "?atomic=yes")
            #expect(badFlag.status == .badRequest && badFlag.json["error"]?["code"] == .string("?atomic"))
        }
    }

    @Test func atomicIsAllOrNothing() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            _ = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            let body = "{\"index\": {\"_id\": \"1\"}}\n{\"body\": \"one\", \"tokens\": 1}\n{\"index\": {\"_id\": \"2\"}}\n{\"body\": \"two\", \"tokens\": 2.5}\n"
            let refused = try await Self.bulk(c, ann, body, query: "?atomic=true")
            #expect(refused.status == .badRequest && refused.json["error"]?["code"] == .string("line 4: $.tokens"), "\(refused.text)")
            #expect(try await Self.count(c, ann) == 0)
            let fixed = body.replacingOccurrences(of: "2.5", with: "2")
            let ok = try await Self.bulk(c, ann, fixed, query: "?atomic=true")
            #expect(ok.status == .ok && ok.json["errors"] == .bool(false), "\(ok.text)")
            #expect(try await Self.count(c, ann) == 2)
            let other = try await Self.bulk(c, bob, fixed)
            #expect(other.status == .notFound, "bob has no collection 'notes': \(other.text)")
        }
    }

    /// A body far larger than one parsing slice: every line lands, numbered right.
    @Test func aBodyOfManySlicesKeepsItsLineNumbers() async throws {
        try await ServerHarness.withUser { c, ann in
            _ = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            let filler = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 22)
            var body = ""
            for i in 0 ..< 3_000 { body += "{\"index\": {\"_id\": \"d\(i)\"}}\n{\"body\": \"\(i) \(filler)\", \"tokens\": \(i)}\n" }
            #expect(body.utf8.count > 2 * BulkBody.sliceBytes)
            let r = try await Self.bulk(c, ann, body)
            #expect(r.status == .ok && r.json["errors"] == .bool(false))
            #expect(r.json["items"]?.arrayValue?.last?["index"]?["line"]?.intValue == 6_000)
            #expect(try await Self.count(c, ann) == 3_000)
            let last = try await c.call(.get, "/api/collections/notes/documents/d2999", token: ann)
            #expect(last.json["tokens"]?.intValue == 2_999)
        }
    }
}
