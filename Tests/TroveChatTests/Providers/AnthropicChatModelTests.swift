import Foundation
import Testing
import TroveChat
import TroveJSON
import TroveRemote
import TroveStandIn
import TroveStorage

/// The Anthropic chat client against the stand-in's `/v1/messages` (SSE events) over real HTTP.
@Suite struct AnthropicChatModelTests {
    private let weather = ToolSpec(name: "weather", description: "The weather in a city", parameters: .object([
        JSONMember("type", .string("object")),
        JSONMember("properties", .object([JSONMember("city", .object([JSONMember("type", .string("string"))]))])),
    ]))
    private let arguments = #"{"city":"Paris","days":2}"#
    private var question: String { "What is the weather? [[call weather \(arguments)]]" }

    @Test func completeEchoesWithExactUsage() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL + "/v1/", apiKey: nil)
        #expect(model.baseURL == server.baseURL)
        let request = ChatRequest(model: "echo-small", messages: [.system("You are terse."), .user("hello there world")], temperature: 0.5)
        let reply = try await model.complete(request)
        #expect(reply.content == "Echo: hello there world")
        #expect(reply.model == "echo-small")
        #expect(reply.finishReason == "stop")
        let prompt = StandInServer.words("You are terse.") + StandInServer.words("hello there world")
        #expect(reply.usage == TokenUsage(promptTokens: prompt, completionTokens: 4))
        let record = try #require(server.chatRequests.last)
        #expect(server.chatRequests.count == 1)
        #expect(record.path == "/v1/messages")
        #expect(!record.stream)
        #expect(record.anthropicVersion == "2023-06-01")
        let body = try JSONParser.parse(record.body)
        #expect(body["system"] == .string("You are terse."))
        #expect(body["max_tokens"] == .int(1024))
        #expect(body["temperature"] == .double(0.5))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.count == 1)
        #expect(messages[0]["role"] == .string("user"))
    }

    @Test func systemTurnsJoinAndSameRoleTurnsMerge() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL, apiKey: nil)
        let request = ChatRequest(model: "echo-small", messages: [.system("Be brief."), .user("one"), .system("Be kind."), .user("two")],
                                  maxTokens: 64)
        let reply = try await model.complete(request)
        #expect(reply.content == "Echo: one\ntwo")
        let body = try JSONParser.parse(try #require(server.chatRequests.last).body)
        #expect(body["system"] == .string("Be brief.\n\nBe kind."))
        #expect(body["max_tokens"] == .int(64))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.count == 1)
        let blocks = try #require(messages.first?["content"]?.arrayValue)
        #expect(blocks.map { $0["text"] } == [.string("one"), .string("two")])
    }

    @Test func streamDeltasJoinToTheCompletion() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL, apiKey: nil)
        let request = ChatRequest(model: "echo-small", messages: [.user("tell me a story please")])
        let streamed = try await drain(model.stream(request))
        #expect(streamed.deltas.count >= 2)
        #expect(streamed.completions.count == 1)
        #expect(streamed.doneIsLast)
        let done = try #require(streamed.completions.first)
        #expect(streamed.deltas.joined() == done.content)
        #expect(done.content == "Echo: tell me a story please")
        #expect(done.finishReason == "stop")
        #expect(done.model == "echo-small")
        #expect(done.usage == TokenUsage(promptTokens: 5, completionTokens: 6))
        #expect(server.chatRequests.last?.stream == true)
    }

    @Test func toolCallWholeAndStreamed() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL, apiKey: nil)
        let request = ChatRequest(model: "echo-small", messages: [.user(question)], tools: [weather])
        let expectedUsage = TokenUsage(promptTokens: StandInServer.words(question), completionTokens: 1)

        let reply = try await model.complete(request)
        #expect(reply.finishReason == "tool_calls")
        #expect(reply.content == "")
        #expect(reply.usage == expectedUsage)
        let call = try #require(reply.toolCalls.first)
        #expect(reply.toolCalls.count == 1)
        #expect(call.id == "call_1" && call.name == "weather")
        #expect(try JSONParser.parse(call.arguments) == JSONParser.parse(arguments))
        let body = try JSONParser.parse(try #require(server.chatRequests.last).body)
        let tool = try #require(body["tools"]?.arrayValue?.first)
        #expect(tool["name"] == .string("weather"))
        #expect(tool["description"] == .string("The weather in a city"))
        #expect(tool["input_schema"] == weather.parameters)

        let streamed = try await drain(model.stream(request))
        let done = try #require(streamed.completions.first)
        #expect(streamed.completions.count == 1 && streamed.doneIsLast)
        #expect(done.finishReason == "tool_calls")
        #expect(done.usage == expectedUsage)
        let streamedCall = try #require(done.toolCalls.first)
        #expect(done.toolCalls.count == 1)
        #expect(streamedCall.id == "call_1" && streamedCall.name == "weather")
        #expect(try JSONParser.parse(streamedCall.arguments) == JSONParser.parse(arguments))
    }

    @Test func theToolResultGoesBackAsAToolResultBlock() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL, apiKey: nil)
        let call = ToolCall(id: "call_1", name: "weather", arguments: arguments)
        let request = ChatRequest(model: "echo-small", messages: [
            .user(question), .assistant("", toolCalls: [call]), .tool("Sunny, 24 C", callID: "call_1", name: "weather"),
        ], tools: [weather])
        let reply = try await model.complete(request)
        #expect(reply.content == "Tool said: Sunny, 24 C")
        #expect(reply.finishReason == "stop")
        #expect(reply.usage?.promptTokens == StandInServer.words(question) + StandInServer.words("Sunny, 24 C"))
        let body = try JSONParser.parse(try #require(server.chatRequests.last).body)
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.count == 3)
        #expect(messages[1]["role"] == .string("assistant"))
        let use = try #require(messages[1]["content"]?.arrayValue?.first)
        #expect(use["type"] == .string("tool_use"))
        #expect(use["id"] == .string("call_1") && use["name"] == .string("weather"))
        #expect(try use["input"] == JSONParser.parse(arguments))
        #expect(messages[2]["role"] == .string("user"))
        let result = try #require(messages[2]["content"]?.arrayValue?.first)
        #expect(result["type"] == .string("tool_result"))
        #expect(result["tool_use_id"] == .string("call_1"))
        #expect(result["content"] == .string("Sunny, 24 C"))
    }

    @Test func theKeyIsSentAsXAPIKey() async throws {
        let server = try await StandInServer.start(apiKey: "sk-ant")
        defer { Task { await server.stop() } }
        let model = AnthropicChatModel(baseURL: server.baseURL, apiKey: "sk-ant")
        let reply = try await model.complete(ChatRequest(model: "echo-small", messages: [.user("hi")]))
        #expect(reply.content == "Echo: hi")
        let record = try #require(server.chatRequests.last)
        #expect(record.apiKeyHeader == "sk-ant")
        #expect(record.authorization == nil)
        #expect(record.anthropicVersion == "2023-06-01")
        #expect(try await model.models() == StandInServer.chatModels)
        let wrong = AnthropicChatModel(baseURL: server.baseURL, apiKey: "sk-wrong", call: HTTPCall(retries: 0))
        await #expect(throws: ChatModelError.unauthorized(provider: "anthropic", url: server.baseURL + "/v1/messages", message: "invalid api key")) {
            _ = try await wrong.complete(ChatRequest(model: "echo-small", messages: [.user("hi")]))
        }
    }
}
