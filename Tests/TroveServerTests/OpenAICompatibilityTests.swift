import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer

/// The chunk sequence, `n`, the sampling options, `models/{id}` and the embedding options
/// as OpenAI defines them, so that stock clients' documented loops work unchanged.
@Suite struct OpenAICompatibilityTests {
    private static let ask = #""messages": [{"role": "user", "content": "one two three"}]"#

    /// The `data:` payloads of an SSE body, `[DONE]` last.
    private func events(_ text: String) -> (chunks: [JSONValue], done: Bool) {
        let datas = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { String($0.dropFirst(6)) }
        return (datas.filter { $0 != "[DONE]" }.compactMap { try? JSONParser.parse($0) }, datas.last == "[DONE]")
    }

    /// Before, every stream ended with a `choices: []` usage chunk, so
    /// `chunk.choices[0].delta.content` raised IndexError in the openai SDK's loop.
    @Test func usageComesOnlyWhenAskedForAndLast() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let plain = events(try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "stream": true, \#(Self.ask)}"#).text)
            #expect(plain.done && plain.chunks.count >= 3)
            #expect(plain.chunks.allSatisfy { $0["choices"]?.arrayValue?.count == 1 }, "every chunk has a choice")
            #expect(plain.chunks.allSatisfy { $0["usage"] == nil })
            let counted = events(try await c.call(.post, "/v1/chat/completions", token: admin,
                                                  json: #"{"model": "standin", "stream": true, "stream_options": {"include_usage": true}, \#(Self.ask)}"#).text)
            let last = try #require(counted.chunks.last)
            #expect(last["choices"]?.arrayValue?.isEmpty == true && last["usage"]?["completion_tokens"]?.intValue == 4)
            #expect(last["usage"]?["prompt_tokens"]?.intValue == 3)
            #expect(counted.chunks.dropLast().allSatisfy { $0["usage"] == .null && $0["choices"]?.arrayValue?.count == 1 })
            let text = counted.chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(text == "Echo: one two three")
            let unasked = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "stream_options": {"include_usage": true}, \#(Self.ask)}"#)
            #expect(unasked.status == .badRequest && unasked.json["error"]?["code"] == .string("$.stream_options"))
        }
    }

    /// Before, `n: 2` answered one choice.
    @Test func nChoicesWholeAndStreamed() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let before = h.standIn.chatRequests.count
            let two = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "n": 2, \#(Self.ask)}"#)
            let choices = try #require(two.json["choices"]?.arrayValue)
            #expect(choices.map { $0["index"]?.intValue } == [0, 1])
            #expect(choices.allSatisfy { $0["message"]?["content"] == .string("Echo: one two three") && $0["finish_reason"] == .string("stop") })
            #expect(two.json["usage"]?["completion_tokens"]?.intValue == 8, "both calls' tokens")
            #expect(h.standIn.chatRequests.count == before + 2)
            let streamed = events(try await c.call(.post, "/v1/chat/completions", token: admin,
                                                   json: #"{"model": "standin", "n": 3, "stream": true, "stream_options": {"include_usage": true}, \#(Self.ask)}"#).text)
            for i in 0..<3 {
                let mine = streamed.chunks.compactMap { $0["choices"]?.arrayValue?.first }.filter { $0["index"]?.intValue == i }
                #expect(mine.first?["delta"]?["role"] == .string("assistant"), "choice \(i) starts with its role")
                #expect(mine.compactMap { $0["delta"]?["content"]?.stringValue }.joined() == "Echo: one two three", "choice \(i)")
                #expect(mine.compactMap { $0["finish_reason"]?.stringValue } == ["stop"])
            }
            #expect(streamed.chunks.last?["usage"]?["completion_tokens"]?.intValue == 12)
            let tooMany = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "n": 9, \#(Self.ask)}"#)
            #expect(tooMany.status == .badRequest && tooMany.json["error"]?["code"] == .string("$.n"))
        }
    }

    /// Before, these were dropped without a word.
    @Test func samplingOptionsReachTheProviderOrAre400() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let tools = #""tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]"#
            let r = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"""
                {"model": "standin", "stop": "three", "seed": 42, "user": "u-1", "presence_penalty": 0.25,
                 "response_format": {"type": "json_object"}, "tool_choice": "none", \#(tools), \#(Self.ask)}
                """#)
            #expect(r.status == .ok)
            #expect(r.json["choices"]?.arrayValue?.first?["message"]?["content"] == .string("Echo: one two "))
            let sent = try JSONParser.parse(try #require(h.standIn.chatRequests.last).body)
            #expect(sent["stop"] == .array([.string("three")]) && sent["seed"] == .int(42) && sent["user"] == .string("u-1"))
            #expect(sent["presence_penalty"] == .double(0.25) && sent["response_format"]?["type"] == .string("json_object"))
            #expect(sent["tool_choice"] == .string("none"))
            let bad: [(String, String)] = [
                (#""logprobs": true"#, "$.logprobs"), (#""logit_bias": {"50256": -100}"#, "$.logit_bias"),
                (#""stop": ["a", "b", "c", "d", "e"]"#, "$.stop"), (#""stop": 5"#, "$.stop"), (##""seed": "x""##, "$.seed"),
                (#""response_format": {"type": "yaml"}"#, "$.response_format.type"),
                (#""response_format": {"type": "json_schema", "json_schema": {"name": "a"}}"#, "$.response_format.json_schema.schema"),
                (#""tool_choice": "required""#, "$.tool_choice"),
                (#""tool_choice": {"type": "function", "function": {"name": "nope"}}, \#(tools)"#, "$.tool_choice.function.name"),
                (#""presence_penalty": 3"#, "$.presence_penalty"),
            ]
            for (member, path) in bad {
                let answer = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", \#(member), \#(Self.ask)}"#)
                #expect(answer.status == .badRequest && answer.json["error"]?["code"] == .string(path), "\(member): \(answer.text)")
            }
            let convID = try #require(try await c.call(.post, "/api/conversations", token: admin, json: "{}").json["id"]?.stringValue)
            let persisted = try await c.call(.post, "/v1/chat/completions", token: admin,
                                             json: #"{"model": "standin", "conversation_id": "\#(convID)", "temperature": 0.2, \#(Self.ask)}"#)
            #expect(persisted.status == .badRequest && persisted.json["error"]?["code"] == .string("$.temperature"))
            // Each member the agent would set is named by its own path (they were all `$`).
            for member in [#""seed": 1"#, #""stop": "x""#, #""user": "u1""#, #""frequency_penalty": 0.5"#, #""response_format": {"type": "json_object"}"#] {
                let name = String(member.dropFirst().prefix { $0 != "\"" })
                let r = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "conversation_id": "\#(convID)", \#(member), \#(Self.ask)}"#)
                #expect(r.status == .badRequest && r.json["error"]?["code"] == .string("$." + name), "\(member): \(r.text)")
            }
        }
    }

    @Test func anthropicRefusesASeedBeforeCallingIt() async throws {
        let h = try await ServerHarness(chat: { $0.provider = .anthropic })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let before = h.standIn.chatRequests.count
            let r = try await c.call(.post, "/v1/chat/completions", token: admin, json: #"{"model": "standin", "seed": 1, \#(Self.ask)}"#)
            #expect(r.status == .badRequest && r.json["error"]?["code"] == .string("$.seed"), "\(r.text)")
            #expect(h.standIn.chatRequests.count == before)
        }
    }

    /// Before, `client.models.retrieve(id)` was a 404 for every id; then for every id with a
    /// slash (the configured model here is named the way vLLM names them); then for ids
    /// with two slashes (`org/team/model`, as some gateways name them).
    @Test(arguments: ["meta-llama/Llama-3.1-8B-Instruct", "acme/research/llama-3.1-8b"])
    func oneModelByID(configured: String) async throws {
        let h = try await ServerHarness(chat: { $0.llmModel = configured })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let agentID = try #require(try await c.call(.post, "/api/agents", token: admin, json: #"{"name": "Poet"}"#).json["id"]?.stringValue)
            let model = try await c.call(.get, "/v1/models/echo-small", token: admin)
            #expect(model.status == .ok && model.json["id"] == .string("echo-small") && model.json["object"] == .string("model"), "one of the provider's list")
            let slashed = try await c.call(.get, "/v1/models/" + configured, token: admin)
            #expect(slashed.status == .ok && slashed.json["id"] == .string(configured), "\(slashed.text)")
            let otherOrganization = try await c.call(.get, "/v1/models/mistralai/" + configured, token: admin)
            #expect(otherOrganization.status == .notFound && otherOrganization.json["error"]?["code"] == .string("model_not_found"))
            #expect(try await c.call(.get, "/v1/models/\(agentID)", token: admin).json["owned_by"] == .string("agent"))
            let missing = try await c.call(.get, "/v1/models/gpt-nothing", token: admin)
            #expect(missing.status == .notFound && missing.json["error"]?["code"] == .string("model_not_found"))
            let bob = try await c.user("bob", admin: admin)
            #expect(try await c.call(.get, "/v1/models/\(agentID)", token: bob).status == .notFound, "another user's agent is not theirs to see")
        }
    }

    /// Before, `dimensions: 64` answered 384 numbers and base64 was ignored.
    @Test func embeddingDimensionsAndBase64() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let floats = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"model": "m", "input": "alpha", "dimensions": 32}"#)
            let numbers = try #require(floats.json["data"]?.arrayValue?.first?["embedding"]?.arrayValue)
            let vector = numbers.compactMap(\.doubleValue)
            #expect(vector.count == 32)
            let short = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"model": "m", "input": "alpha", "dimensions": 8}"#)
            #expect(short.status == .badRequest && short.json["error"]?["code"] == .string("$.dimensions"))
            let b64 = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"model": "m", "input": "alpha", "encoding_format": "base64"}"#)
            let encoded = try #require(b64.json["data"]?.arrayValue?.first?["embedding"]?.stringValue)
            let data = try #require(Data(base64Encoded: encoded))
            let bytes = [UInt8](data)
            var decoded: [Float] = []
            for i in stride(from: 0, to: bytes.count, by: 4) {
                var bits = UInt32(bytes[i])
                bits |= UInt32(bytes[i + 1]) << 8
                bits |= UInt32(bytes[i + 2]) << 16
                bits |= UInt32(bytes[i + 3]) << 24
                decoded.append(Float(bitPattern: bits))
            }
            #expect(decoded.map(Double.init) == vector, "little-endian float32, the same numbers")
            #expect(try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"input": "a", "encoding_format": "hex"}"#).status == .badRequest)
        }
    }

    /// LangChain's `OpenAIEmbeddings` sends cl100k_base token ids by default; before,
    /// those answered 400. They are the text they encode (the vocabulary file is installed
    /// beside the models by scripts/install-model.sh).
    @Test func tokenIDInputIsTheTextItEncodes() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            func vectors(_ input: String) async throws -> [JSONValue] {
                let r = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"model": "m", "input": \#(input)}"#)
                #expect(r.status == .ok, "\(input): \(r.text)")
                return (r.json["data"]?.arrayValue ?? []).compactMap { $0["embedding"] }
            }
            let text = try await vectors(#"["hello world", "hello"]"#)
            #expect(text.count == 2)
            #expect(try await vectors("[15339, 1917]") == [text[0]], "one token list is one input")
            #expect(try await vectors("[[15339, 1917], [15339]]") == text)
            let unknown = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"input": [[15339], [999999]]}"#)
            #expect(unknown.status == .badRequest && unknown.json["error"]?["code"] == .string("$.input[1]"))
            let negative = try await c.call(.post, "/v1/embeddings", token: admin, json: #"{"input": [[-3]]}"#)
            #expect(negative.status == .badRequest && negative.json["error"]?["code"] == .string("$.input[0][0]"))
        }
    }
}
