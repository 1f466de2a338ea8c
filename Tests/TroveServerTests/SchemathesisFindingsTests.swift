import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

/// Regressions found by the schemathesis run (`Benchmarks/api-schema/run.py`): each was a
/// 5xx, or an answer its documented schema rejected, for input a client can send.
@Suite struct SchemathesisFindingsTests {
    /// An agent's `"model": ""` was stored, and every message of a conversation with that
    /// agent then went to the provider naming no model: the provider's 400 came back as a 502.
    @Test func anEmptyAgentModelIsRefusedNotSentToTheProvider() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            for blank in ["", "  "] {
                let made = try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "a", "model": "\#(blank)"}"#)
                #expect(made.status == .badRequest && made.json["error"]?["code"]?.stringValue == "$.model", "\(made.text)")
            }
            let agent = try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "a"}"#).json["id"]?.stringValue ?? ""
            let patched = try await c.call(.patch, "/api/agents/\(agent)", token: ann, json: #"{"model": ""}"#)
            #expect(patched.status == .badRequest && patched.json["error"]?["code"]?.stringValue == "$.model", "\(patched.text)")
            // null still means the configured default model, and the agent answers.
            #expect(try await c.call(.patch, "/api/agents/\(agent)", token: ann, json: #"{"model": null}"#).json["model"] == .null)
            let conversation = try await c.call(.post, "/api/conversations", token: ann, json: #"{"agent_id": "\#(agent)"}"#).json["id"]?.stringValue ?? ""
            let sent = try await c.call(.post, "/api/conversations/\(conversation)/messages", token: ann, json: #"{"content": "0"}"#)
            #expect(sent.status == .created, "\(sent.text)")
        }
    }
}
