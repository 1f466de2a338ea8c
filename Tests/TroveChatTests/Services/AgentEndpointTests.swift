import Foundation
import Testing
@testable import TroveChat
import TroveEngine
import TroveJSON
import TroveStandIn
import TroveStorage

/// An agent's own provider endpoint and key: the key is sealed at rest, sent only to the
/// agent's endpoint, and never shown.
@Suite struct AgentEndpointTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func anAgentsOwnEndpointGetsOnlyItsOwnKey() async throws {
        let h = try await ChatHarness.start(settings: { $0.llmAPIKey = "sk-operator" })
        defer { Task { await h.stop() } }
        let own = try await StandInServer.start(dimension: 8, apiKey: "sk-bot-1")
        let other = try await StandInServer.start(dimension: 8)
        defer { Task { await own.stop(); await other.stop() } }
        let agents = h.system.agents
        let agent = try await agents.create(owner: "alice", json("""
            {"name": "Bot", "provider": "openai", "model": "standin", "base_url": "\(own.baseURL)/v1", "api_key": "sk-bot-1"}
            """))
        #expect(agent.hasAPIKey && !agent.json.text.contains("sk-bot-1") && agent.json["api_key_set"] == .bool(true))
        let stored = try #require(try h.system.database.unscopedGet(agent.id, in: ChatCollections.agents))
        #expect(!DocumentJSON.json(from: stored).text.contains("sk-bot-1"), "the record holds the key sealed only")
        let c = try await h.system.conversations.create(owner: "alice", agentID: agent.id)
        let ex = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "hello there")
        #expect(ex.assistant.content == "Echo: hello there")
        #expect(own.chatRequests.last?.authorization == "Bearer sk-bot-1")
        #expect(!h.server.chatRequests.contains { $0.body.contains("hello there") }, "the server's endpoint was not called")
        // Another URL without a key of the agent's: the operator's key must not go there.
        _ = try await agents.update(owner: "alice", id: agent.id, json(#"{"api_key": null, "base_url": "\#(other.baseURL)/v1"}"#))
        _ = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "second")
        #expect(other.chatRequests.count == 1 && other.chatRequests.last?.authorization == nil)
        // No URL of its own: the agent's key replaces the operator's at the configured endpoint.
        _ = try await agents.update(owner: "alice", id: agent.id, json(#"{"base_url": null, "api_key": "sk-own-at-default"}"#))
        _ = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "third")
        #expect(h.server.chatRequests.last?.authorization == "Bearer sk-own-at-default")
    }

    @Test func theSealedKeyOpensAfterReopeningTheFolder() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let own = try await StandInServer.start(dimension: 8, apiKey: "sk-kept")
        defer { Task { await own.stop() } }
        let agent = try await h.system.agents.create(owner: "alice", json(#"{"name": "Bot", "base_url": "\#(own.baseURL)/v1", "api_key": "sk-kept"}"#))
        try h.system.close()
        let reopened = try await ChatSystem.open(dataFolder: h.folder.sub("data"), settings: h.system.settings, embedder: h.system.embedder,
                                                 counter: EstimatingTokenCounter())
        defer { try? reopened.close() }
        let c = try await reopened.conversations.create(owner: "alice", agentID: agent.id)
        #expect(try await reopened.chat.send(owner: "alice", conversationID: c.id, text: "still here").assistant.content == "Echo: still here")
        #expect(own.chatRequests.last?.authorization == "Bearer sk-kept")
    }

    @Test func badEndpointsKeysAndBotSettingsNameTheirPath() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agents = h.system.agents
        let a = try await agents.create(owner: "alice", json(#"{"name": "A"}"#))
        let cases: [(String, String)] = [
            (#"{"base_url": "ftp://x"}"#, "$.base_url"), (#"{"base_url": "http://u:p@example.com"}"#, "$.base_url"),
            (#"{"base_url": 5}"#, "$.base_url"), (#"{"api_key": "a\nb"}"#, "$.api_key"), (#"{"api_key": ""}"#, "$.api_key"),
            (#"{"api_key": 5}"#, "$.api_key"), (#"{"public": "yes"}"#, "$.public"),
            (#"{"allowed_origins": ["https://a.example/path"]}"#, "$.allowed_origins[0]"),
            (#"{"allowed_origins": ["javascript:alert(1)"]}"#, "$.allowed_origins[0]"),
            (#"{"widget": {"color": "red"}}"#, "$.widget.color"), (#"{"widget": {"position": "top"}}"#, "$.widget.position"),
            (#"{"widget": {"font": "x"}}"#, "$.widget.font"), (#"{"daily_token_budget": 0}"#, "$.daily_token_budget"),
        ]
        for (body, path) in cases {
            await #expect(throws: ChatError.self) { _ = try await agents.update(owner: "alice", id: a.id, json(body)) }
            do { _ = try await agents.update(owner: "alice", id: a.id, json(body)) } catch let ChatError.invalid(field, _) {
                #expect(field == path, "\(body)")
            }
        }
        #expect(try await agents.get(owner: "alice", id: a.id) == a, "nothing changed")
        let pub = try await agents.update(owner: "alice", id: a.id, json(#"{"public": true, "allowed_origins": ["https://shop.example:8443"]}"#))
        let key = try #require(pub.bot.publishableKey)
        #expect(key.hasPrefix("pk_") && key.count == 43)
        let off = try await agents.update(owner: "alice", id: a.id, json(#"{"public": false}"#))
        let on = try await agents.update(owner: "alice", id: a.id, json(#"{"public": true}"#))
        #expect(!off.bot.enabled && on.bot.publishableKey == key, "the publishable key stays with the bot")
    }
}
