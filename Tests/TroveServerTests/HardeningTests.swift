import Foundation
import Hummingbird
import Testing
import TroveEngine
import TroveJSON
@testable import TroveServer
import TroveStorage

/// Requests a hostile signed-in user can send: each once took the server down, hung it,
/// or told an anonymous caller what it should not know (issue 16). Every one must answer
/// a 4xx and leave the server serving.
@Suite struct HardeningTests {
    /// A schema body with `count` keyword fields.
    private func schema(name: String, fields count: Int) -> String {
        let fields = (0..<count).map { #"{"name": "k\#($0)", "type": "keyword"}"# }.joined(separator: ", ")
        return #"{"name": "\#(name)", "schema": {"fields": [\#(fields)]}}"#
    }

    @Test func aSchemaOverTheFieldLimitIsRefusedAndAFullOneIndexesAndSearches() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            let over = try await c.call(.post, "/api/collections", token: ann, json: schema(name: "wide", fields: CollectionSchema.maximumFields + 1))
            #expect(over.status == .unprocessableContent && over.json["error"]?["code"]?.stringValue == "limit_exceeded", "\(over.text)")
            #expect(try await c.call(.get, "/api/collections/wide", token: ann).status == .notFound, "nothing was made")
            // Exactly at the limit: every field gets a slot, the flush and the search work.
            #expect(try await c.call(.post, "/api/collections", token: ann, json: schema(name: "full", fields: CollectionSchema.maximumFields)).status == .created)
            let doc = "{" + (0..<CollectionSchema.maximumFields).map { #""k\#($0)": "v\#($0)""# }.joined(separator: ", ") + "}"
            #expect(try await c.call(.put, "/api/collections/full/documents/d1", token: ann, json: doc).status == .ok)
            let found = try await c.call(.post, "/api/collections/full/search", token: ann, json: #"{"filters": [{"field": "k99", "equals": "v99"}]}"#)
            #expect(found.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["d1"], "\(found.text)")
        }
    }

    @Test func timestampsOutsideYearsOneToNineThousandAreRefusedAndReadsKeepWorking() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            let body = #"{"name": "times", "schema": {"fields": [{"name": "at", "type": "timestamp"}]}}"#
            #expect(try await c.call(.post, "/api/collections", token: ann, json: body).status == .created)
            for bad in [Int64.min, Int64.max, Timestamp.range.lowerBound - 1, Timestamp.range.upperBound + 1] {
                let r = try await c.call(.put, "/api/collections/times/documents/x", token: ann, json: #"{"at": \#(bad)}"#)
                #expect(r.status == .badRequest, "\(bad): \(r.text)")
            }
            #expect(try await c.call(.put, "/api/collections/times/documents/y", token: ann, json: #"{"at": \#(Timestamp.range.lowerBound)}"#).status == .ok)
            let read = try await c.call(.get, "/api/collections/times/documents/y", token: ann)
            #expect(read.json["at"]?.stringValue == "0001-01-01T00:00:00Z", "\(read.text)")
            #expect(try await c.call(.get, "/api/collections/times/documents/x", token: ann).status == .notFound)
        }
    }

    @Test func forgedCursorsAndHugeLimitsAnswer4xxAndTheServerKeepsServing() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            let body = #"{"name": "vecs", "schema": {"fields": [{"name": "v", "type": "vector", "dimension": 2, "metric": "cosine"}, {"name": "t", "type": "text"}]}}"#
            #expect(try await c.call(.post, "/api/collections", token: ann, json: body).status == .created)
            for i in 0..<3 { _ = try await c.call(.put, "/api/collections/vecs/documents/d\(i)", token: ann, json: #"{"v": [1, \#(i)], "t": "word \#(i)"}"#) }
            let first = try await c.call(.post, "/api/collections/vecs/search", token: ann, json: #"{"vector": [1, 0], "limit": 1}"#)
            let cursor = try #require(first.json["next_cursor"]?.stringValue, "\(first.text)")
            let pin = cursor.split(separator: ".")[1]
            for forged in ["o.\(pin).9223372036854775807", "o.\(pin).1000000000000", "o.\(pin).9999"] {
                let r = try await c.call(.post, "/api/collections/vecs/search", token: ann, json: #"{"vector": [1, 0], "limit": 5, "cursor": "\#(forged)"}"#)
                #expect(r.status == .unprocessableContent, "\(forged): \(r.text)")
            }
            let long = String(repeating: "x ", count: 20_000)
            for query in [#"{"vector": [1, 0], "limit": 1000000000000}"#, #"{"text": "word", "limit": 10001}"#,
                          #"{"text": "\#(long)", "syntax": "query_string"}"#] {
                #expect(try await c.call(.post, "/api/collections/vecs/search", token: ann, json: query).status == .unprocessableContent)
            }
            // Pasted text over 32 KiB is not an error in `match`: its first 32 KiB are searched.
            #expect(try await c.call(.post, "/api/collections/vecs/search", token: ann, json: #"{"text": "word \#(long)"}"#).status == .ok)
            #expect(try await c.call(.post, "/api/collections/vecs/search", token: ann, json: #"{"vector": [1, 0], "limit": 1, "cursor": "\#(cursor)"}"#).status == .ok)
        }
    }

    @Test func metricsHideUserCollectionsAndHealthProbesTheProviderAtMostOncePerInterval() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            #expect(try await c.call(.post, "/api/collections", token: ann, json: #"{"name": "secret_plans", "schema": {"fields": []}}"#).status == .created)
            let metrics = try await c.call(.get, "/metrics").text
            #expect(!metrics.contains("secret_plans") && !metrics.contains("u_"), "a user's collection is named on a public page")
            #expect(metrics.contains(#"collection="user_collections""#))
            let before = h.standIn.modelListRequests
            for _ in 0..<5 {
                let health = try await c.call(.get, "/health")
                #expect(health.status == .ok && health.json["chat_provider"]?["status"]?.stringValue == "ok")
                #expect(!health.text.contains(h.standIn.baseURL) && health.json["chat_provider"]?["url"] == nil, "the provider's address is not public")
            }
            #expect(h.standIn.modelListRequests - before == 1, "one probe for five calls")
        }
    }

    @Test func theRateLimitIsPerUserWhateverKeyAndPublicRoutesArePerAddress() async throws {
        let h = try await ServerHarness(settings: { $0.rateLimitPerSecond = 0.01; $0.rateLimitBurst = 6; $0.publicRateLimitPerSecond = 0.01; $0.publicRateLimitBurst = 12 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let k1 = try #require(try await c.call(.post, "/api/keys", token: ann, json: "{}").json["key"]?.stringValue)
            let k2 = try #require(try await c.call(.post, "/api/keys", token: ann, json: "{}").json["key"]?.stringValue)
            // Two key creations spent two of ann's six; the keys share what is left.
            var statuses: [HTTPResponse.Status] = []
            for key in [k1, k2, k1, k2, k1] { statuses.append(try await c.call(.get, "/api/auth/me", token: key).status) }
            #expect(statuses == [.ok, .ok, .ok, .ok, .tooManyRequests], "\(statuses)")
            // Public routes: three logins and three user creations spent some of the twelve.
            var health: [HTTPResponse.Status] = []
            for _ in 0..<12 { health.append(try await c.call(.get, "/health").status) }
            #expect(health.contains(.tooManyRequests) && health.first == .ok, "\(health)")
            let limited = try #require(try await c.call(.get, "/metrics").headers[.retryAfter])
            #expect(Int(limited) ?? 0 >= 1)
        }
    }

    @Test func keysPerUserAreCapped() async throws {
        let h = try await ServerHarness(settings: { $0.maxKeysPerUser = 3 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 { group.addTask { try await c.call(.post, "/api/keys", token: ann, json: "{}").status } }
                var made = 0, refused = 0
                for try await s in group { if s == .created { made += 1 } else if s == .unprocessableContent { refused += 1 } }
                #expect(made == 3 && refused == 3, "parallel creates cannot pass the cap together")
            }
            #expect(try await c.call(.get, "/api/keys", token: ann).json["data"]?.arrayValue?.count == 3)
        }
    }
}
