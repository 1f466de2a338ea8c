import Foundation
import Testing
import TroveChat
import TroveJSON
import TroveRemote
import TroveStandIn
import TroveStorage

/// The OpenAI chat client against the stand-in's `/v1/chat/completions` over real HTTP.
@Suite struct OpenAIChatModelTests {
    private let weather = ToolSpec(name: "weather", description: "The weather in a city", parameters: .object([
        JSONMember("type", .string("object")),
        JSONMember("properties", .object([JSONMember("city", .object([JSONMember("type", .string("string"))]))])),
    ]))
    private let arguments = #"{"city":"Paris","days":2}"#
    private var question: String { "What is the weather? [[call weather \(arguments)]]" }

    @Test func completeEchoesWithExactUsage() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: nil)
        #expect(model.baseURL == server.baseURL + "/v1")
        #expect(OpenAIChatModel(baseURL: server.baseURL + "/v1/", apiKey: nil).baseURL == server.baseURL + "/v1")
        let request = ChatRequest(model: "echo-small", messages: [.system("You are terse."), .user("hello there world")],
                                  temperature: 0.5, maxTokens: 50)
        let reply = try await model.complete(request)
        #expect(reply.content == "Echo: hello there world")
        #expect(reply.model == "echo-small")
        #expect(reply.finishReason == "stop")
        #expect(reply.toolCalls.isEmpty)
        let prompt = StandInServer.words("You are terse.") + StandInServer.words("hello there world")
        #expect(reply.usage == TokenUsage(promptTokens: prompt, completionTokens: 4))
        let record = try #require(server.chatRequests.last)
        #expect(server.chatRequests.count == 1)
        #expect(record.path == "/v1/chat/completions")
        #expect(!record.stream && record.authorization == nil)
        let body = try JSONParser.parse(record.body)
        #expect(body["temperature"] == .double(0.5))
        #expect(body["max_tokens"] == .int(50))
        #expect(body["tools"] == nil)
        #expect(body["messages"]?.arrayValue?.first?["role"] == .string("system"))
    }

    @Test func streamDeltasJoinToTheCompletion() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: nil)
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
        let record = try #require(server.chatRequests.last)
        #expect(record.stream)
        #expect(try JSONParser.parse(record.body)["stream_options"]?["include_usage"] == .bool(true))
    }

    @Test func toolCallWholeAndStreamed() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: nil)
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
        #expect(tool["type"] == .string("function"))
        #expect(tool["function"]?["name"] == .string("weather"))
        #expect(tool["function"]?["parameters"] == weather.parameters)

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

    @Test func theToolResultGoesBackAsAToolMessage() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: nil)
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
        #expect(messages[1]["content"] == .null)
        let sent = try #require(messages[1]["tool_calls"]?.arrayValue?.first)
        #expect(sent["id"] == .string("call_1") && sent["type"] == .string("function"))
        #expect(sent["function"]?["name"] == .string("weather"))
        #expect(sent["function"]?["arguments"] == .string(arguments))
        #expect(messages[2]["role"] == .string("tool"))
        #expect(messages[2]["tool_call_id"] == .string("call_1"))
        #expect(messages[2]["content"] == .string("Sunny, 24 C"))
    }

    @Test func theKeyIsSentAsABearerToken() async throws {
        let server = try await StandInServer.start(apiKey: "sk-test")
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: "sk-test")
        let reply = try await model.complete(ChatRequest(model: "echo-small", messages: [.user("hi")]))
        #expect(reply.content == "Echo: hi")
        #expect(server.chatRequests.last?.authorization == "Bearer sk-test")
        #expect(try await model.models() == StandInServer.chatModels)
        let wrong = OpenAIChatModel(baseURL: server.baseURL, apiKey: "sk-wrong", call: HTTPCall(retries: 0))
        await #expect(throws: ChatModelError.unauthorized(provider: "openai", url: server.baseURL + "/v1/chat/completions",
                                                          message: "invalid api key")) {
            _ = try await wrong.complete(ChatRequest(model: "echo-small", messages: [.user("hi")]))
        }
    }

    @Test func noUsageIsNil() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OpenAIChatModel(baseURL: server.baseURL, apiKey: nil)
        let request = ChatRequest(model: "nousage", messages: [.user("count nothing")])
        let reply = try await model.complete(request)
        #expect(reply.content == "Echo: count nothing")
        #expect(reply.usage == nil)
        let done = try #require(try await drain(model.stream(request)).completions.first)
        #expect(done.content == "Echo: count nothing")
        #expect(done.usage == nil)
    }
}
