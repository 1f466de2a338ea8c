import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer

/// `_count`, `_aggregate`, `_delete_by_query`, `_export` and `/api/retrieve` over HTTP,
/// each checked against what the documents put in say it must answer.
@Suite struct CollectionQueryRouteTests {
    private static let schema = #"{"name": "events", "schema": {"fields": [{"name": "body", "type": "text"}, {"name": "kind", "type": "keyword"}, {"name": "tokens", "type": "int"}, {"name": "at", "type": "timestamp"}]}}"#

    /// 24 documents: kind a/b/c by i % 3, tokens i, one per hour from midnight on Dec 1.
    private static func fill(_ c: APIClient, _ token: String) async throws {
        #expect(try await c.call(.post, "/api/collections", token: token, json: schema).status == .created)
        for i in 0..<24 {
            let body = #"{"body": "\#(i % 2 == 0 ? "even" : "odd") heron \#(i)", "kind": "\#(["a", "b", "c"][i % 3])", "tokens": \#(i), "at": "2026-12-0\#(1 + i / 12)T\#(String(format: "%02d", i % 12)):30:00Z"}"#
            #expect(try await c.call(.put, "/api/collections/events/documents/e\(i)", token: token, json: body).status == .ok)
        }
    }

    private func count(_ c: APIClient, _ token: String, _ body: String) async throws -> Int? {
        try await c.call(.post, "/api/collections/events/_count", token: token, json: body).json["count"]?.intValue
    }

    @Test func countsMatchTheSelection() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            try await Self.fill(c, ann)
            #expect(try await count(c, ann, "{}") == 24)
            #expect(try await count(c, ann, #"{"filters": [{"field": "kind", "equals": "a"}]}"#) == 8)
            #expect(try await count(c, ann, #"{"text": "even"}"#) == 12)
            #expect(try await count(c, ann, #"{"text": "even", "filters": [{"field": "at", "from": "2026-12-02T00:00:00Z"}]}"#) == 6)
            #expect(try await count(c, ann, #"{"filters": [{"field": "tokens", "from": 20}]}"#) == 4)
            let bad = try await c.call(.post, "/api/collections/events/_count", token: ann, json: #"{"limit": 5}"#)
            #expect(bad.status == .badRequest && bad.json["error"]?["code"] == .string("$.limit"), "paging members are not part of a count")
            #expect(try await c.call(.post, "/api/collections/events/_count", token: bob, json: "{}").status == .notFound)
        }
    }

    @Test func aggregationsGroupAndMeasure() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            try await Self.fill(c, ann)
            let r = try await c.call(.post, "/api/collections/events/_aggregate", token: ann, json: #"""
                {"group_by": [{"field": "kind"}], "metrics": [{"sum": "tokens"}, {"avg": "tokens"}, {"min": "tokens"}, {"max": "tokens"}]}
                """#)
            #expect(r.status == .ok, "\(r.text)")
            let buckets = try #require(r.json["buckets"]?.arrayValue)
            #expect(buckets.count == 3 && r.json["total_buckets"]?.intValue == 3)
            for (n, kind) in ["a", "b", "c"].enumerated() {
                let values = (0..<24).filter { $0 % 3 == n }
                let bucket = try #require(buckets.first { $0["key"]?["kind"] == .string(kind) })
                #expect(bucket["count"]?.intValue == values.count)
                #expect(bucket["metrics"]?["sum:tokens"]?.doubleValue == Double(values.reduce(0, +)))
                #expect(bucket["metrics"]?["avg:tokens"]?.doubleValue == Double(values.reduce(0, +)) / Double(values.count))
                #expect(bucket["metrics"]?["min:tokens"]?.doubleValue == Double(values.min() ?? -1))
                #expect(bucket["metrics"]?["max:tokens"]?.doubleValue == Double(values.max() ?? -1))
            }
            let byDay = try await c.call(.post, "/api/collections/events/_aggregate", token: ann, json: #"""
                {"text": "odd", "group_by": [{"field": "at", "interval": "day"}], "metrics": [{"sum": "tokens"}], "order": "count", "size": 1}
                """#)
            let days = try #require(byDay.json["buckets"]?.arrayValue)
            #expect(days.count == 1 && byDay.json["total_buckets"]?.intValue == 2, "\(byDay.text)")
            #expect(days.first?["count"]?.intValue == 6)
            let bad: [(String, String)] = [
                (#"{"metrics": [{"median": "tokens"}]}"#, "$.metrics[0].median"),
                (#"{"metrics": [{"sum": "tokens", "avg": "tokens"}]}"#, "$.metrics[0]"),
                (#"{"group_by": [{"field": "at", "interval": "week"}]}"#, "$.group_by[0].interval"),
                (#"{"group_by": [{"name": "kind"}]}"#, "$.group_by[0].name"),
                (#"{"order": "size"}"#, "$.order"), (#"{"size": 0}"#, "$.size"),
            ]
            for (body, path) in bad {
                let answer = try await c.call(.post, "/api/collections/events/_aggregate", token: ann, json: body)
                #expect(answer.status == .badRequest && answer.json["error"]?["code"] == .string(path), "\(body): \(answer.text)")
            }
            let notNumeric = try await c.call(.post, "/api/collections/events/_aggregate", token: ann, json: #"{"metrics": [{"sum": "kind"}]}"#)
            #expect(notNumeric.status == .badRequest, "\(notNumeric.text)")
            #expect(try await c.call(.post, "/api/collections/events/_aggregate", token: bob, json: "{}").status == .notFound)
        }
    }

    @Test func deleteByQueryDeletesWhatItSelectsAndNothingElse() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            try await Self.fill(c, ann)
            #expect(try await c.call(.post, "/api/collections", token: bob, json: Self.schema).status == .created)
            #expect(try await c.call(.put, "/api/collections/events/documents/x", token: bob, json: #"{"kind": "a"}"#).status == .ok)
            let none = try await c.call(.post, "/api/collections/events/_delete_by_query", token: ann, json: "{}")
            #expect(none.status == .badRequest && none.json["error"]?["code"] == .string("$"), "an empty body deletes nothing")
            let both = try await c.call(.post, "/api/collections/events/_delete_by_query", token: ann, json: #"{"all": true, "text": "odd"}"#)
            #expect(both.status == .badRequest && both.json["error"]?["code"] == .string("$.all"))
            let near = try await c.call(.post, "/api/collections/events/_delete_by_query", token: ann, json: #"{"vector": [1, 0]}"#)
            #expect(near.status == .badRequest && near.json["error"]?["code"] == .string("$.vector"), "a vector is no selection for a delete")
            #expect(try await count(c, ann, "{}") == 24)
            let gone = try await c.call(.post, "/api/collections/events/_delete_by_query", token: ann, json: #"{"filters": [{"field": "kind", "equals": "a"}]}"#)
            #expect(gone.json["deleted"]?.intValue == 8, "\(gone.text)")
            #expect(try await count(c, ann, "{}") == 16)
            #expect(try await count(c, ann, #"{"filters": [{"field": "kind", "equals": "a"}]}"#) == 0)
            #expect(try await c.call(.get, "/api/collections/events/documents/e3", token: ann).status == .notFound)
            #expect(try await c.call(.get, "/api/collections/events/documents/e1", token: ann).status == .ok)
            #expect(try await c.call(.post, "/api/collections/events/_count", token: bob, json: "{}").json["count"]?.intValue == 1, "bob's own is untouched")
            let all = try await c.call(.post, "/api/collections/events/_delete_by_query", token: ann, json: #"{"all": true}"#)
            #expect(all.json["deleted"]?.intValue == 16)
            #expect(try await count(c, ann, "{}") == 0)
        }
    }

    @Test func exportStreamsEveryDocumentAsNDJSON() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            try await Self.fill(c, ann)
            let r = try await c.call(.get, "/api/collections/events/_export", token: ann)
            #expect(r.status == .ok && r.headers[.contentType] == "application/x-ndjson")
            let lines = r.text.split(separator: "\n").map { try? JSONParser.parse(String($0)) }
            #expect(lines.count == 24 && r.text.hasSuffix("\n"))
            #expect(Set(lines.compactMap { $0?["id"]?.stringValue }) == Set((0..<24).map { "e\($0)" }))
            let e5 = try #require(lines.compactMap { $0 }.first { $0["id"] == .string("e5") })
            #expect(e5["kind"] == .string("c") && e5["tokens"]?.intValue == 5 && e5["body"] == .string("odd heron 5"))
            #expect(try await c.call(.get, "/api/collections/events/_export", token: bob).status == .notFound)
        }
    }

    @Test func retrieveAnswersPassagesWithoutAModel() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        let text = try String(contentsOfFile: FileManager.default.currentDirectoryPath + "/Tests/TroveChatTests/Fixtures/sample.txt", encoding: .utf8)
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let bob = try await c.user("bob", admin: admin)
            let boundary = "----trove-retrieve"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"marsh.txt\"\r\nContent-Type: text/plain\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
            let up = try await c.call(.post, "/api/files", token: ann, json: nil, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], raw: body)
            #expect(up.status == .created, "\(up.text)")
            let calls = h.standIn.chatRequests.count
            let r = try await c.call(.post, "/api/retrieve", token: ann, json: #"{"query": "where do herons nest", "top_k": 2}"#)
            let passages = try #require(r.json["data"]?.arrayValue, "\(r.text)")
            #expect(!passages.isEmpty && passages.count <= 2)
            let first = try #require(passages.first)
            #expect(first["file_name"] == .string("marsh.txt") && first["text"]?.stringValue?.lowercased().contains("heron") == true)
            let (start, end) = (first["start"]?.intValue ?? -1, first["end"]?.intValue ?? -1)
            #expect(start >= 0 && end > start && first["score"]?.doubleValue != nil)
            #expect(h.standIn.chatRequests.count == calls, "no model call")
            #expect(try await c.call(.post, "/api/retrieve", token: bob, json: #"{"query": "where do herons nest"}"#).json["data"]?.arrayValue?.isEmpty == true)
            let bad = try await c.call(.post, "/api/retrieve", token: ann, json: #"{"query": "x", "top_k": 0}"#)
            #expect(bad.status == .badRequest && bad.json["error"]?["code"] == .string("$.top_k"))
            #expect(try await c.call(.post, "/api/retrieve", token: ann, json: #"{"question": "x"}"#).status == .badRequest)
        }
    }
}
