import Foundation
import Testing
import TroveChat
import TroveJSON
import TroveStandIn

/// Stop strings, seed, penalties, response format, tool choice and user reach each
/// provider in its own words over real HTTP (the stand-in records the bodies), and a
/// provider that has no way to honour one refuses the request before sending anything.
@Suite struct ChatOptionsTests {
    private let tool = ToolSpec(name: "weather", description: "The weather", parameters: .object([JSONMember("type", .string("object"))]))

    private func request(_ adjust: (inout ChatOptions) -> Void) -> ChatRequest {
        var options = ChatOptions()
        adjust(&options)
        return ChatRequest(model: "echo", messages: [.user("one two three four")], tools: [tool], options: options)
    }

    private func lastBody(_ server: StandInServer) throws -> JSONValue {
        try JSONParser.parse(try #require(server.chatRequests.last).body)
    }

    @Test func openAIGetsEveryOptionAsItIs() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: nil)
        let r = request {
            $0.stop = ["three"]; $0.seed = 7; $0.presencePenalty = 0.5; $0.frequencyPenalty = -0.5
            $0.responseFormat = .jsonSchema(name: "answer", schema: .object([JSONMember("type", .string("object"))]), strict: true)
            $0.toolChoice = .function("weather"); $0.user = "visitor-1"
        }
        try model.check(r)
        let reply = try await model.complete(r)
        #expect(reply.content == "Echo: one two ", "the stand-in stops before the stop string")
        let body = try lastBody(server)
        #expect(body["stop"] == .array([.string("three")]) && body["seed"] == .int(7) && body["user"] == .string("visitor-1"))
        #expect(body["presence_penalty"] == .double(0.5) && body["frequency_penalty"] == .double(-0.5))
        #expect(body["response_format"]?["type"] == .string("json_schema") && body["response_format"]?["json_schema"]?["name"] == .string("answer"))
        #expect(body["response_format"]?["json_schema"]?["strict"] == .bool(true))
        #expect(body["tool_choice"]?["function"]?["name"] == .string("weather"))
        _ = try await model.complete(request { _ in })
        let plain = try lastBody(server)
        for key in ["stop", "seed", "user", "presence_penalty", "frequency_penalty", "response_format", "tool_choice"] {
            #expect(plain[key] == nil, "\(key) is not sent when unset")
        }
    }

    @Test func ollamaGetsThemAsOptionsAndFormat() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL)
        let r = request { $0.stop = ["four"]; $0.seed = 3; $0.frequencyPenalty = 1; $0.responseFormat = .jsonObject; $0.toolChoice = ToolChoice.none }
        try model.check(r)
        #expect(try await model.complete(r).content == "Echo: one two three ")
        let body = try lastBody(server)
        #expect(body["options"]?["stop"] == .array([.string("four")]) && body["options"]?["seed"] == .int(3))
        #expect(body["options"]?["frequency_penalty"] == .double(1))
        #expect(body["format"] == .string("json"))
        #expect(body["tools"] == nil, "tool_choice none offers no tools")
        let schema = JSONValue.object([JSONMember("type", .string("object"))])
        _ = try await model.complete(request { $0.responseFormat = .jsonSchema(name: "a", schema: schema, strict: nil) })
        #expect(try lastBody(server)["format"] == schema)
        for (field, r) in [("$.tool_choice", request { $0.toolChoice = .required }), ("$.tool_choice", request { $0.toolChoice = .function("weather") }),
                           ("$.user", request { $0.user = "u" })] {
            do { try model.check(r); Issue.record("\(field) accepted") } catch { #expect(error.description.hasPrefix(field), "\(error)") }
        }
    }

    @Test func anthropicGetsItsOwnWordsAndRefusesTheRest() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL, apiKey: nil)
        let r = request { $0.stop = ["two"]; $0.toolChoice = .required; $0.user = "visitor-2"; $0.responseFormat = .text }
        try model.check(r)
        #expect(try await model.complete(r).content == "Echo: one ")
        let body = try lastBody(server)
        #expect(body["stop_sequences"] == .array([.string("two")]))
        #expect(body["tool_choice"]?["type"] == .string("any"))
        #expect(body["metadata"]?["user_id"] == .string("visitor-2"))
        _ = try await model.complete(request { $0.toolChoice = .function("weather") })
        #expect(try lastBody(server)["tool_choice"] == .object([JSONMember("type", .string("tool")), JSONMember("name", .string("weather"))]))
        let refused: [(String, ChatRequest)] = [
            ("$.seed", request { $0.seed = 1 }), ("$.presence_penalty", request { $0.presencePenalty = 1 }),
            ("$.frequency_penalty", request { $0.frequencyPenalty = 1 }), ("$.response_format", request { $0.responseFormat = .jsonObject }),
        ]
        let sent = server.chatRequests.count
        for (field, r) in refused {
            do { try model.check(r); Issue.record("\(field) accepted") } catch { #expect(error.description.hasPrefix(field), "\(error)") }
        }
        #expect(server.chatRequests.count == sent, "a refused request sends nothing")
    }
}
