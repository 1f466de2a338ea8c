import Foundation
import Hummingbird
import Testing
import TroveJSON
import TroveStandIn
@testable import TroveServer

/// Vector fields declared with `"embed": {"from", "model"}`: filled from their text on
/// PUT and `_bulk`, and a search's text embedded for `mode` vector or hybrid, with the
/// server's embedder (here the stand-in's `embed` model, 32 dimensions, over real HTTP).
@Suite struct EmbeddedFieldTests {
    static let schema = #"""
        {"name": "notes", "schema": {"fields": [{"name": "body", "type": "text"},
         {"name": "emb", "type": "vector", "dimension": 32, "embed": {"from": "body", "model": "embed"}}]}}
        """#
    static let texts = ["Herons nest in the reeds by the estuary.", "open(2) returns a file descriptor or -1",
                        "The kettle is on; tea at five.", "Otters play near the harbour wall at dusk.", "ünïcödé prose, pasted 🦩"]

    static func embedding(_ c: APIClient, _ token: String, _ text: String) async throws -> [JSONValue] {
        let r = try await c.call(.post, "/v1/embeddings", token: token, json: JSONWriter.string(.object([("model", .string("embed")), ("input", .string(text))])))
        return try #require(r.json["data"]?.arrayValue?.first?["embedding"]?.arrayValue, "\(r.text)")
    }

    @Test func schemasTheServerCannotFillAreRefusedWithTheirPath() async throws {
        try await ServerHarness.withUser { c, ann in
            let field = #"{"name": "emb", "type": "vector", "dimension": 32, "embed": %@}"#
            let cases: [(String, String)] = [
                (field.replacingOccurrences(of: "%@", with: #"{"from": "body", "model": "all-MiniLM-L6-v2"}"#), "$.schema.fields[1].embed.model"),
                (field.replacingOccurrences(of: "%@", with: #"{"from": "title", "model": "embed"}"#), "$.schema.fields[1].embed.from"),
                (field.replacingOccurrences(of: "%@", with: #"{"from": "n", "model": "embed"}"#), "$.schema.fields[1].embed.from"),
                (field.replacingOccurrences(of: "%@", with: #"{"from": "body"}"#), "$.schema.fields[1].embed.model"),
                (field.replacingOccurrences(of: "%@", with: #"{"from": "body", "model": "embed", "batch": 4}"#), "$.schema.fields[1].embed.batch"),
                (field.replacingOccurrences(of: "%@", with: #""body""#), "$.schema.fields[1].embed"),
                (#"{"name": "emb", "type": "vector", "dimension": 64, "embed": {"from": "body", "model": "embed"}}"#, "$.schema.fields[1].dimension"),
            ]
            for (vector, path) in cases {
                let body = #"{"name": "x", "schema": {"fields": [{"name": "body", "type": "text"}, \#(vector), {"name": "n", "type": "int"}]}}"#
                let r = try await c.call(.post, "/api/collections", token: ann, json: body)
                #expect(r.status == .badRequest && r.json["error"]?["code"] == .string(path), "\(vector): \(r.text)")
            }
            let onText = #"{"name": "x", "schema": {"fields": [{"name": "body", "type": "text", "embed": {"from": "body", "model": "embed"}}]}}"#
            let r = try await c.call(.post, "/api/collections", token: ann, json: onText)
            #expect(r.status == .badRequest && r.json["error"]?["code"] == .string("$.schema.fields[0].embed"), "\(r.text)")
            #expect(try await c.call(.get, "/api/collections", token: ann).json["data"]?.arrayValue?.isEmpty == true, "nothing was created")
        }
    }

    @Test func writesAreEmbeddedAndAnExplicitVectorWins() async throws {
        try await ServerHarness.withUser { c, ann in
            let made = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            #expect(made.status == .created && made.json["schema"]?["fields"]?.arrayValue?.last?["embed"]?["from"] == .string("body"), "\(made.text)")
            _ = try await c.call(.put, "/api/collections/notes/documents/a", token: ann, json: #"{"body": "\#(Self.texts[0])"}"#)
            let stored = try await c.call(.get, "/api/collections/notes/documents/a", token: ann)
            #expect(stored.json["emb"]?.arrayValue == (try await Self.embedding(c, ann, Self.texts[0])), "\(stored.text)")
            let mine = (0 ..< 32).map { JSONValue.double($0 == 3 ? 1 : 0) }
            _ = try await c.call(.put, "/api/collections/notes/documents/b", token: ann, json: JSONWriter.string(.object([("body", .string(Self.texts[1])), ("emb", .array(mine))])))
            let kept = try await c.call(.get, "/api/collections/notes/documents/b", token: ann)
            #expect(kept.json["emb"]?.arrayValue?.compactMap(\.doubleValue) == mine.compactMap(\.doubleValue))
            let bulk = (2 ..< 5).map { "{\"index\": {\"_id\": \"d\($0)\"}}\n" + JSONWriter.string(.object([("body", .string(Self.texts[$0]))])) }.joined(separator: "\n")
                + "\n{\"index\": {\"_id\": \"bad\"}}\n{\"body\": 7}\n{\"index\": {\"_id\": \"bare\"}}\n{}\n"
            let r = try await c.call(.post, "/api/collections/notes/_bulk", token: ann, headers: [.contentType: "application/x-ndjson"], raw: bulk)
            let items = try #require(r.json["items"]?.arrayValue, "\(r.text)")
            #expect(items.map { $0["index"]?["status"]?.intValue } == [200, 200, 200, 400, 200], "\(r.text)")
            #expect(items[3]["index"]?["error"]?["code"] == .string("$.body"))
            let d4 = try await c.call(.get, "/api/collections/notes/documents/d4", token: ann)
            #expect(d4.json["emb"]?.arrayValue == (try await Self.embedding(c, ann, Self.texts[4])))
            let bare = try await c.call(.get, "/api/collections/notes/documents/bare", token: ann)
            #expect(bare.status == .ok && bare.json["emb"] == nil, "no text, no vector: \(bare.text)")
        }
    }

    @Test func hybridWithServerSideEmbeddingEqualsHybridWithTheClientsVector() async throws {
        try await ServerHarness.withUser { c, ann in
            _ = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            let bulk = Self.texts.enumerated().map { i, t in "{\"index\": {\"_id\": \"t\(i)\"}}\n" + JSONWriter.string(.object([("body", .string(t))])) }.joined(separator: "\n")
            _ = try await c.call(.post, "/api/collections/notes/_bulk?atomic=true", token: ann, headers: [.contentType: "application/x-ndjson"], raw: bulk)
            for question in ["where do herons nest", "file descriptor", "tea"] {
                let vector = JSONWriter.string(.array(try await Self.embedding(c, ann, question)))
                let server = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "\#(question)", "mode": "hybrid"}"#)
                let client = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "\#(question)", "vector": \#(vector)}"#)
                #expect(server.status == .ok && server.json["data"] == client.json["data"], "\(question): \(server.text) vs \(client.text)")
                let vectorOnly = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "\#(question)", "mode": "vector"}"#)
                let clientVector = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"vector": \#(vector)}"#)
                #expect(vectorOnly.json["data"] == clientVector.json["data"] && vectorOnly.json["data"]?.arrayValue?.count == Self.texts.count, "\(vectorOnly.text)")
            }
            let refused: [(String, String)] = [(#"{"text": "x", "mode": "sideways"}"#, "$.mode"), (#"{"mode": "hybrid"}"#, "$.text"),
                                            (#"{"text": "x", "mode": "hybrid", "vector_field": "body"}"#, "$.vector_field")]
            for (body, path) in refused {
                let r = try await c.call(.post, "/api/collections/notes/search", token: ann, json: body)
                #expect(r.status == .badRequest && r.json["error"]?["code"] == .string(path), "\(body): \(r.text)")
            }
            _ = try await c.call(.post, "/api/collections", token: ann, json: #"{"name": "plain", "schema": {"fields": [{"name": "body", "type": "text"}, {"name": "v", "type": "vector", "dimension": 32}]}}"#)
            let plain = try await c.call(.post, "/api/collections/plain/search", token: ann, json: #"{"text": "x", "mode": "hybrid"}"#)
            #expect(plain.status == .badRequest && plain.json["error"]?["code"] == .string("$.mode"), "\(plain.text)")
        }
    }

    /// The embedder answers 500 for one text of the request (the stand-in's failing text):
    /// the whole request is refused with 503 and none of its documents is written, not even
    /// those whose texts embedded fine.
    @Test func aFailingEmbedderWritesNothing() async throws {
        try await ServerHarness.withUser { c, ann in
            _ = try await c.call(.post, "/api/collections", token: ann, json: Self.schema)
            let bulk = "{\"index\": {\"_id\": \"x\"}}\n{\"body\": \"fine on its own\"}\n{\"index\": {\"_id\": \"y\"}}\n{\"body\": \"\(StandInServer.failingText)\"}\n"
            for query in ["", "?atomic=true"] {
                let r = try await c.call(.post, "/api/collections/notes/_bulk\(query)", token: ann, headers: [.contentType: "application/x-ndjson"], raw: bulk)
                #expect(r.status == .serviceUnavailable && r.json["error"]?["code"] == .string("embedder_unavailable"), "\(r.text)")
            }
            let put = try await c.call(.put, "/api/collections/notes/documents/z", token: ann, json: #"{"body": "\#(StandInServer.failingText) too"}"#)
            #expect(put.status == .serviceUnavailable, "\(put.text)")
            let count = try await c.call(.post, "/api/collections/notes/_count", token: ann, json: "{}")
            #expect(count.json["count"]?.intValue == 0, "\(count.text)")
            let search = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "\#(StandInServer.failingText)", "mode": "hybrid"}"#)
            #expect(search.status == .serviceUnavailable, "\(search.text)")
        }
    }
}
