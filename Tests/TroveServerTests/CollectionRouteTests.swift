import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

@Suite struct CollectionRouteTests {
    /// An `ivf-pq` field through HTTP: its parameters are kept in the schema, bad ones are
    /// a 400 naming the path, and a search over it answers.
    @Test func ivfPQFieldsAreCreatedCheckedAndSearched() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            let field = #"{"name": "v", "type": "vector", "dimension": 4, "metric": "cosine", "index": "ivf-pq""#
            let bad = try await c.call(.post, "/api/collections", token: ann, json: #"{"name": "pq", "schema": {"fields": [\#(field), "m": 3}]}}"#)
            #expect(bad.status == .badRequest && bad.json["error"]?["code"] == .string("$.schema.fields[0].m"), "\(bad.text)")
            let made = try await c.call(.post, "/api/collections", token: ann, json: #"{"name": "pq", "schema": {"fields": [\#(field), "m": 2, "rerank": 5}]}}"#)
            #expect(made.status == .created, "\(made.text)")
            for (id, v) in [("a", "[1, 0, 0, 0]"), ("b", "[0, 1, 0, 0]")] {
                #expect(try await c.call(.put, "/api/collections/pq/documents/\(id)", token: ann, json: #"{"v": \#(v)}"#).status == .ok)
            }
            let hit = try await c.call(.post, "/api/collections/pq/search", token: ann, json: #"{"vector": [0.1, 1, 0, 0], "limit": 1}"#)
            #expect(hit.json["data"]?.arrayValue?.first?["id"]?.stringValue == "b", "\(hit.text)")
        }
    }

    @Test func ownCollectionsWithSchemaDocumentsAndSearch() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            let schema = #"{"name": "notes", "schema": {"fields": [{"name": "body", "type": "text", "analyzer": "english"}, {"name": "tag", "type": "keyword"}, {"name": "at", "type": "timestamp"}, {"name": "v", "type": "vector", "dimension": 3, "metric": "cosine"}]}}"#
            let made = try await c.call(.post, "/api/collections", token: ann, json: schema)
            #expect(made.status == .created, "\(made.text)")
            #expect(try await c.call(.post, "/api/collections", token: ann, json: schema).status == .badRequest)
            #expect(try await c.call(.post, "/api/collections", token: bob, json: schema).status == .created, "names are per owner")
            let docs = [("n1", #"{"body": "the kettle boils at dawn", "tag": "kitchen", "at": "2026-01-01T00:00:00Z", "v": [1, 0, 0]}"#),
                        ("n2", #"{"body": "the garden sleeps", "tag": "garden", "at": "2026-02-01T00:00:00Z", "v": [0, 1, 0]}"#),
                        ("n3", #"{"body": "a kettle in the garden", "tag": "garden", "at": "2026-03-01T00:00:00Z", "v": [0.7, 0.7, 0]}"#)]
            for (id, body) in docs { #expect(try await c.call(.put, "/api/collections/notes/documents/\(id)", token: ann, json: body).status == .ok) }
            let wrongDim = try await c.call(.put, "/api/collections/notes/documents/bad", token: ann, json: #"{"v": [1, 2]}"#)
            #expect(wrongDim.status == .badRequest)
            #expect(try await c.call(.get, "/api/collections/notes/documents/bad", token: ann).status == .notFound)
            #expect(try await c.call(.get, "/api/collections/notes/documents/n1", token: ann).json["tag"]?.stringValue == "kitchen")
            #expect(try await c.call(.get, "/api/collections/notes/documents/n1", token: bob).status == .notFound)
            let text = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "kettle", "snippets": ["body"]}"#)
            #expect(Set(text.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []) == ["n1", "n3"])
            let filtered = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"vector": [1, 0, 0], "filters": [{"field": "tag", "equals": "garden"}], "limit": 1}"#)
            #expect(filtered.json["data"]?.arrayValue?.first?["id"]?.stringValue == "n3")
            let byTime = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"filters": [{"field": "at", "from": "2026-01-15T00:00:00Z"}], "sort": "-at"}"#)
            #expect(byTime.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["n3", "n2"])
            #expect(try await c.call(.post, "/api/collections/notes/search", token: bob, json: #"{"text": "kettle"}"#).json["data"]?.arrayValue?.isEmpty == true)
            #expect(try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"filters": [{"field": "tag"}]}"#).status == .badRequest)
            // Hybrid fusion per query: linear over normalised scores, or RRF with weights and k.
            let linear = try await c.call(.post, "/api/collections/notes/search", token: ann,
                                          json: #"{"text": "kettle", "vector": [0, 1, 0], "fusion": {"method": "linear", "normalization": "z_score", "weights": [1, 0.5]}}"#)
            #expect(linear.status == .ok && linear.json["data"]?.arrayValue?.count == 3, "\(linear.text)")
            for (fusion, field) in [(#"{"method": "borda"}"#, "$.fusion.method"), (#"{"weights": [1]}"#, "$.fusion.weights"),
                                    (#"{"weights": [-1, 1]}"#, "$.fusion.weights"), (#"{"k": 0}"#, "$.fusion.k"),
                                    (#"{"method": "linear", "normalization": "l2"}"#, "$.fusion.normalization"), ("7", "$.fusion")] {
                let bad = try await c.call(.post, "/api/collections/notes/search", token: ann, json: #"{"text": "kettle", "vector": [0, 1, 0], "fusion": \#(fusion)}"#)
                #expect(bad.status == .badRequest && bad.json["error"]?["code"]?.stringValue == field, "\(fusion): \(bad.text)")
            }
            #expect(try await c.call(.get, "/api/collections", token: ann).json["data"]?.arrayValue?.first?["documents"]?.intValue == 3)
            #expect(try await c.call(.delete, "/api/collections/notes/documents/n1", token: bob).status == .notFound)
            #expect(try await c.call(.delete, "/api/collections/notes/documents/n1", token: ann).status == .noContent)
            #expect(try await c.call(.delete, "/api/collections/notes", token: ann).status == .noContent)
            #expect(try await c.call(.get, "/api/collections/notes", token: ann).status == .notFound)
            #expect(try await c.call(.get, "/api/collections/notes", token: bob).json["documents"]?.intValue == 0)
        }
    }
}
