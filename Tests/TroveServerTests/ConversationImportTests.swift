import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer

/// `POST /api/conversations/{id}/messages/_import`: an existing history keeps its times,
/// is found by message search in its own time window, stays out of usage, and a bad item
/// refuses the whole import.
@Suite struct ConversationImportTests {
    @Test func aHistoryKeepsItsTimesAndIsAllOrNothing() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let bob = try await c.user("bob", admin: admin)
            let conv = try #require(try await c.call(.post, "/api/conversations", token: admin, json: "{}").json["id"]?.stringValue)
            let calls = h.standIn.chatRequests.count
            let r = try await c.call(.post, "/api/conversations/\(conv)/messages/_import", token: admin, json: #"""
                {"messages": [{"role": "user", "content": "where do the herons nest", "created_at": "2024-03-01T09:00:00Z"},
                              {"role": "assistant", "content": "in the reeds by the estuary", "created_at": "2024-03-01T09:00:05.250Z"}]}
                """#)
            #expect(r.status == .created, "\(r.text)")
            let stored = try #require(r.json["data"]?.arrayValue)
            #expect(stored.map { $0["created_at"]?.stringValue } == ["2024-03-01T09:00:00Z", "2024-03-01T09:00:05.250000Z"], "\(r.text)")
            #expect(stored.allSatisfy { $0["imported"] == .bool(true) })
            #expect(h.standIn.chatRequests.count == calls, "no model call")
            let listed = try await c.call(.get, "/api/conversations/\(conv)/messages", token: admin).json["data"]?.arrayValue ?? []
            let contents = listed.compactMap { $0["content"]?.stringValue }
            #expect(contents.contains("in the reeds by the estuary"))
            let found = try await c.call(.get, "/api/messages/search?q=herons&from=2024-03-01T00:00:00Z&to=2024-03-02T00:00:00Z", token: admin)
            #expect(found.json["data"]?.arrayValue?.count == 1, "\(found.text)")
            let conversation = try await c.call(.get, "/api/conversations/\(conv)", token: admin)
            #expect(conversation.json["title"]?.stringValue?.isEmpty == false)
            let usage = try await c.call(.get, "/api/usage", token: admin)
            #expect(!usage.text.contains("2024-03-01"), "imported messages are not usage: \(usage.text)")
            let bad: [(String, String)] = [
                (#"{"messages": [{"role": "user", "content": "ok"}, {"role": "system", "content": "x"}]}"#, "$.messages[1].role"),
                (#"{"messages": [{"role": "user", "content": "ok"}, {"role": "user", "content": "x", "created_at": "yesterday"}]}"#, "$.messages[1].created_at"),
                (#"{"messages": [{"role": "user", "content": "ok"}, {"role": "user", "content": "  "}]}"#, "$.messages[1].content"),
                (#"{"messages": [{"role": "user", "content": "ok", "tokens": 3}]}"#, "$.messages[0].tokens"),
                (#"{"messages": []}"#, "$.messages"),
            ]
            for (body, path) in bad {
                let answer = try await c.call(.post, "/api/conversations/\(conv)/messages/_import", token: admin, json: body)
                #expect(answer.status == .badRequest && answer.json["error"]?["code"] == .string(path), "\(body): \(answer.text)")
            }
            let after = try await c.call(.get, "/api/conversations/\(conv)/messages", token: admin).json["data"]?.arrayValue ?? []
            #expect(after.count == 2, "a refused import stores nothing")
            let other = try await c.call(.post, "/api/conversations/\(conv)/messages/_import", token: bob, json: #"{"messages": [{"role": "user", "content": "mine"}]}"#)
            #expect(other.status == .notFound)
        }
    }
}
