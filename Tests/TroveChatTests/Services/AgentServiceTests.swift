import Testing
@testable import TroveChat
import TroveJSON
import TroveStorage

@Suite struct AgentServiceTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func createReadUpdateListDelete() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agents = h.system.agents
        let a = try await agents.create(owner: "alice", json("""
            {"name": "Helper", "system_prompt": "Be brief.", "temperature": 0.2, "max_output_tokens": 300, "context_budget": 2000,
             "retrieval": {"enabled": true, "collections": ["manuals"], "top_k": 3, "hybrid": false, "min_score": 0.1},
             "tools": ["calculator", "current_time"]}
            """))
        #expect(a.name == "Helper" && a.systemPrompt == "Be brief." && a.temperature == 0.2)
        #expect(a.retrieval.enabled && a.retrieval.collections == ["manuals"] && a.retrieval.topK == 3 && !a.retrieval.hybrid)
        #expect(a.tools == ["calculator", "current_time"])
        #expect(try await agents.get(owner: "alice", id: a.id) == a)
        let b = try await agents.create(owner: "alice", json(#"{"name": "Second"}"#))
        #expect(try await agents.list(owner: "alice").agents.map(\.id) == [b.id, a.id])
        let changed = try await agents.update(owner: "alice", id: a.id, json(#"{"description": "new", "retrieval": {"top_k": 7}}"#))
        #expect(changed.description == "new" && changed.retrieval.topK == 7 && changed.retrieval.collections == ["manuals"] && changed.name == "Helper")
        #expect(try await agents.get(owner: "alice", id: a.id).retrieval.topK == 7)
        // Reopened from disk, the record reads back the same.
        try await agents.delete(owner: "alice", id: b.id)
        #expect(try await agents.list(owner: "alice").agents.map(\.id) == [a.id])
        await #expect(throws: ChatError.notFound(kind: "agent", id: b.id)) { try await agents.get(owner: "alice", id: b.id) }
    }

    @Test func badFieldsNameTheirPathAndChangeNothing() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agents = h.system.agents
        let a = try await agents.create(owner: "alice", json(#"{"name": "A"}"#))
        let cases: [(String, String)] = [
            (#"{"name": 5}"#, "$.name"), (#"{"retrieval": {"top_k": 0}}"#, "$.retrieval.top_k"), (#"{"tools": ["rm -rf"]}"#, "$.tools[0]"),
            (#"{"temperature": 9}"#, "$.temperature"), (#"{"nme": "typo"}"#, "$.nme"), (#"{"provider": "skynet"}"#, "$.provider"),
            (#"{"retrieval": {"collections": ["../etc"]}}"#, "$.retrieval.collections[0]"), (#"{"max_output_tokens": 5000}"#, "$.max_output_tokens"),
            (#"[1]"#, "$"),
        ]
        for (body, path) in cases {
            do {
                _ = try await agents.update(owner: "alice", id: a.id, json(body))
                Issue.record("accepted \(body)")
            } catch let ChatError.invalid(field, _) {
                #expect(field == path, "\(body)")
            }
        }
        #expect(try await agents.get(owner: "alice", id: a.id) == a)
        await #expect(throws: ChatError.invalid(field: "$.name", reason: "required")) { try await agents.create(owner: "alice", json("{}")) }
    }

    @Test func anotherOwnersAgentIsNotFound() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agents = h.system.agents
        let a = try await agents.create(owner: "alice", json(#"{"name": "Private"}"#))
        await #expect(throws: ChatError.notFound(kind: "agent", id: a.id)) { try await agents.get(owner: "bob", id: a.id) }
        await #expect(throws: ChatError.notFound(kind: "agent", id: a.id)) { try await agents.update(owner: "bob", id: a.id, json(#"{"name": "Mine"}"#)) }
        await #expect(throws: ChatError.notFound(kind: "agent", id: a.id)) { try await agents.delete(owner: "bob", id: a.id) }
        await #expect(throws: ChatError.notFound(kind: "agent", id: a.id)) { try await h.system.conversations.create(owner: "bob", agentID: a.id) }
        #expect(try await agents.list(owner: "bob").agents.isEmpty)
        #expect(try await agents.get(owner: "alice", id: a.id).name == "Private")
    }
}
