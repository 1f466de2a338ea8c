import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

@Suite struct ResourceTests {
    @Test func conversationFlowWithMessagesStreamingTokensAndSearch() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let agent = try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "Helper", "system_prompt": "Be kind."}"#)
            #expect(agent.status == .created)
            let agentID = try #require(agent.json["id"]?.stringValue)
            #expect(try await c.call(.get, "/api/agents/\(agentID)", token: ann).json["system_prompt"]?.stringValue == "Be kind.")
            let bad = try await c.call(.patch, "/api/agents/\(agentID)", token: ann, json: #"{"retrieval": {"top_k": "many"}}"#)
            #expect(bad.status == .badRequest && bad.json["error"]?["code"]?.stringValue == "$.retrieval.top_k")
            let conv = try await c.call(.post, "/api/conversations", token: ann, json: #"{"agent_id": "\#(agentID)"}"#)
            let convID = try #require(conv.json["id"]?.stringValue)
            let sent = try await c.call(.post, "/api/conversations/\(convID)/messages", token: ann, json: #"{"content": "where are the lanterns"}"#)
            #expect(sent.status == .created)
            #expect(sent.json["assistant"]?["content"]?.stringValue == "Echo: where are the lanterns")
            #expect((sent.json["assistant"]?["token_usage"]?["total_tokens"]?.intValue ?? 0) > 0)
            let streamed = try await c.call(.post, "/api/conversations/\(convID)/messages?stream=true", token: ann, json: #"{"content": "light the lanterns now"}"#)
            #expect(streamed.headers[.contentType] == "text/event-stream")
            let events = streamed.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.filter { $0.hasPrefix("event: delta") }.count >= 2)
            #expect(events.last?.hasPrefix("event: done") == true)
            let stored = try await c.call(.post, "/api/conversations/\(convID)/messages", token: ann, json: #"{"content": "imported note", "reply": false}"#)
            #expect(stored.status == .created && stored.json["role"]?.stringValue == "user" && stored.json["content"]?.stringValue == "imported note")
            let asAssistant = try await c.call(.post, "/api/conversations/\(convID)/messages", token: ann, json: #"{"content": "imported answer", "reply": false, "role": "assistant"}"#)
            #expect(asAssistant.json["role"]?.stringValue == "assistant")
            #expect(try await c.call(.post, "/api/conversations/\(convID)/messages", token: ann, json: #"{"content": "x", "reply": false, "role": "system"}"#).status == .badRequest)
            let requestsBefore = h.standIn.chatRequests.count
            let messages = try await c.call(.get, "/api/conversations/\(convID)/messages", token: ann)
            #expect(messages.json["data"]?.arrayValue?.count == 6)
            #expect(h.standIn.chatRequests.count == requestsBefore, "reply: false asks no model")
            let tokens = try await c.call(.get, "/api/conversations/\(convID)/tokens", token: ann)
            #expect(tokens.json["replies"]?.intValue == 2 && (tokens.json["total_tokens"]?.intValue ?? 0) > 0)
            let found = try await c.call(.get, "/api/messages/search?q=lanterns&conversation_id=\(convID)", token: ann)
            #expect(found.json["data"]?.arrayValue?.count == 4)
            #expect(found.json["data"]?.arrayValue?.first?["snippet"]?.stringValue?.contains("<em>") == true)
            let usage = try await c.call(.get, "/api/usage", token: ann)
            #expect(usage.json["data"]?.arrayValue?.first?["replies"]?.intValue == 2)
            #expect(try await c.call(.get, "/api/messages/search?q=lanterns&from=yesterday", token: ann).status == .badRequest)
            // Any text is a search (match); the query-string language is opt-in and says where it broke.
            let pasted = "/api/messages/search?q=%22lanterns%20(2)%20-&conversation_id=\(convID)"
            #expect(try await c.call(.get, pasted, token: ann).json["data"]?.arrayValue?.count == 4)
            let strict = try await c.call(.get, pasted + "&syntax=query_string", token: ann)
            #expect(strict.status == .badRequest && strict.text.contains("character"), "\(strict.text)")
            #expect(try await c.call(.get, "/api/messages/search?q=lanterns&syntax=lucene", token: ann).status == .badRequest)
            #expect(try await c.call(.delete, "/api/conversations/\(convID)", token: ann).status == .noContent)
            #expect(try await c.call(.get, "/api/conversations/\(convID)", token: ann).status == .notFound)
        }
    }

    @Test func anotherUsersRecordsAreNotFound() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            let agentID = try #require(try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "Mine"}"#).json["id"]?.stringValue)
            let convID = try #require(try await c.call(.post, "/api/conversations", token: ann, json: "{}").json["id"]?.stringValue)
            _ = try await c.call(.post, "/api/conversations/\(convID)/messages", token: ann, json: #"{"content": "my secret orchard"}"#)
            for (method, uri, body) in [(HTTPRequest.Method.get, "/api/agents/\(agentID)", nil), (.patch, "/api/agents/\(agentID)", #"{"name": "x"}"#),
                                        (.delete, "/api/agents/\(agentID)", nil), (.get, "/api/conversations/\(convID)", nil),
                                        (.get, "/api/conversations/\(convID)/messages", nil), (.get, "/api/conversations/\(convID)/tokens", nil),
                                        (.post, "/api/conversations/\(convID)/messages", #"{"content": "hi"}"#), (.delete, "/api/conversations/\(convID)", nil),
                                        (.post, "/api/conversations", #"{"agent_id": "\#(agentID)"}"#)] as [(HTTPRequest.Method, String, String?)] {
                let r = try await c.call(method, uri, token: bob, json: body)
                #expect(r.status == .notFound, "\(method) \(uri): \(r.status)")
            }
            #expect(try await c.call(.get, "/api/messages/search?q=orchard", token: bob).json["data"]?.arrayValue?.isEmpty == true)
            #expect(try await c.call(.get, "/api/agents", token: bob).json["data"]?.arrayValue?.isEmpty == true)
            #expect(try await c.call(.get, "/api/messages/search?q=orchard", token: ann).json["data"]?.arrayValue?.count == 2)
        }
    }

    @Test func badInputIsA4xxInTheErrorShape() async throws {
        let h = try await ServerHarness(settings: { $0.maxBodyBytes = 2000 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let malformed = try await c.call(.post, "/api/agents", token: admin, json: #"{"name": "#)
            #expect(malformed.status == .badRequest && malformed.json["error"]?["code"]?.stringValue == "$")
            let huge = try await c.call(.post, "/api/agents", token: admin, json: #"{"name": "\#(String(repeating: "x", count: 5000))"}"#)
            #expect(huge.status == .contentTooLarge)
            #expect(try await c.call(.get, "/api/agents/nope", token: admin).status == .notFound)
            #expect(try await c.call(.get, "/api/agents?limit=0", token: admin).status == .badRequest)
            #expect(try await c.call(.get, "/api/agents", token: admin).json["data"]?.arrayValue?.isEmpty == true)
        }
    }
}
