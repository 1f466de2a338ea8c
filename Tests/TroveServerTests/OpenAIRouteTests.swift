import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

@Suite struct OpenAIRouteTests {
    @Test func modelsCompletionsStreamingAndEmbeddings() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let agentID = try #require(try await c.call(.post, "/api/agents", token: admin, json: #"{"name": "Poet", "system_prompt": "Rhyme."}"#).json["id"]?.stringValue)
            let models = try await c.call(.get, "/v1/models", token: admin)
            let ids = models.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.contains("standin") && ids.contains(agentID))
            let plain = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "messages": [{"role": "user", "content": "say hi"}]}"#)
            #expect(plain.status == .ok)
            #expect(plain.json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == "Echo: say hi")
            #expect(plain.json["usage"]?["prompt_tokens"]?.intValue == 2 && plain.json["object"]?.stringValue == "chat.completion")
            let viaAgent = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "\#(agentID)", "messages": [{"role": "user", "content": "a verse"}]}"#)
            #expect(viaAgent.json["model"]?.stringValue == agentID)
            let sentToModel = try #require(h.standIn.chatRequests.last.flatMap { try? JSONParser.parse($0.body) })
            #expect(sentToModel["messages"]?.arrayValue?.first?["content"]?.stringValue == "Rhyme.")
            let stream = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "stream": true, "messages": [{"role": "user", "content": "one two three"}]}"#)
            let datas = stream.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { String($0.dropFirst(6)) }
            #expect(datas.last == "[DONE]")
            let chunks = datas.dropLast().compactMap { try? JSONParser.parse($0) }
            let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(text == "Echo: one two three")
            #expect(chunks.allSatisfy { $0["usage"] == nil }, "no usage without stream_options.include_usage")
            let emb = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"model": "any", "input": ["alpha", "beta"]}"#)
            #expect(emb.json["data"]?.arrayValue?.count == 2 && emb.json["data"]?.arrayValue?.first?["embedding"]?.arrayValue?.count == 32)
            let badRole = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "messages": [{"role": "wizard", "content": "x"}]}"#)
            #expect(badRole.status == .badRequest && badRole.json["error"]?["code"]?.stringValue == "$.messages[0].role")
            #expect(try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"input": 5}"#).status == .badRequest)
        }
    }

    /// The members Trove reads are type-checked as OpenAI checks them; before,
    /// `"temperature": "hot"` or `"stream": "yes"` were dropped and a tool call without an
    /// id vanished from the history.
    @Test func wronglyTypedMembersAre400WithTheirPath() throws {
        let cases: [(String, String)] = [
            (#"{"model": 5, "messages": [{"role": "user", "content": "x"}]}"#, "$.model"),
            (#"{"model": "m", "messages": {"role": "user"}}"#, "$.messages"),
            (#"{"model": "m", "messages": ["hi"]}"#, "$.messages[0]"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": "hot"}"#, "$.temperature"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 3}"#, "$.temperature"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "top_p": "0.5"}"#, "$.top_p"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}"#, "$.stream"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": "5"}"#, "$.max_tokens"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 0}"#, "$.max_tokens"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "conversation_id": 7}"#, "$.conversation_id"),
            (#"{"model": "m", "messages": [{"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "f"}}]}]}"#, "$.messages[0].tool_calls[0]"),
            (#"{"model": "m", "messages": [{"role": "tool", "content": "r", "tool_call_id": 1}]}"#, "$.messages[0].tool_call_id"),
            (#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"function": "f"}]}"#, "$.tools[0].function"),
        ]
        for (body, path) in cases {
            do {
                _ = try OpenAIWire.request(try JSONParser.parse(body))
                Issue.record("accepted \(body)")
            } catch {
                #expect(APIError.from(error).code == path, "\(body): \(error)")
            }
        }
        let ok = try OpenAIWire.request(try JSONParser.parse(#"""
            {"model": "m", "temperature": null, "stream": true, "max_completion_tokens": 9, "n": 1, "user": "u",
             "messages": [{"role": "developer", "content": [{"type": "text", "text": "be brief"}]},
                          {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                          {"role": "tool", "content": "r", "tool_call_id": "c1"}]}
            """#))
        #expect(ok.stream && ok.chat.maxTokens == 9 && ok.chat.temperature == nil && ok.chat.messages.count == 3)
        #expect(ok.chat.messages[0].role == .system && ok.chat.messages[0].content == "be brief" && ok.chat.messages[1].toolCalls.first?.id == "c1")
    }

    @Test func conversationIDPersistsTheExchange() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let convID = try #require(try await c.call(.post, "/api/conversations", token: admin, json: "{}").json["id"]?.stringValue)
            let r = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "conversation_id": "\#(convID)", "messages": [{"role": "user", "content": "keep this"}]}"#)
            #expect(r.json["conversation_id"]?.stringValue == convID)
            #expect(try await c.call(.get, "/api/conversations/\(convID)/messages", token: admin).json["data"]?.arrayValue?.count == 2)
            let other = try await c.user("zed", admin: admin)
            #expect(try await c.call(.post, "/v1/chat/completions", token: other, json: #"{"model": "standin", "conversation_id": "\#(convID)", "messages": [{"role": "user", "content": "x"}]}"#).status == .notFound)
        }
    }
}
