import Foundation
import Testing
import TroveChat
import TroveJSON
import TroveRemote
import TroveStandIn
import TroveStorage

/// The Ollama chat client against the stand-in's `/api/chat` (NDJSON streams) over real HTTP.
@Suite struct OllamaChatModelTests {
    private let weather = ToolSpec(name: "weather", description: "The weather in a city", parameters: .object([
        JSONMember("type", .string("object")),
        JSONMember("properties", .object([JSONMember("city", .object([JSONMember("type", .string("string"))]))])),
    ]))
    private let arguments = #"{"city":"Paris","days":2}"#
    private var question: String { "What is the weather? [[call weather \(arguments)]]" }

    @Test func completeEchoesWithExactUsage() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL + "/")
        #expect(model.baseURL == server.baseURL)
        #expect(model.provider == "ollama")
        let request = ChatRequest(model: "echo-small", messages: [.system("You are terse."), .user("hello there world")],
                                  temperature: 0.5, topP: 0.9, maxTokens: 50)
        let reply = try await model.complete(request)
        #expect(reply.content == "Echo: hello there world")
        #expect(reply.model == "echo-small")
        #expect(reply.finishReason == "stop")
        let prompt = StandInServer.words("You are terse.") + StandInServer.words("hello there world")
        #expect(reply.usage == TokenUsage(promptTokens: prompt, completionTokens: 4))
        let record = try #require(server.chatRequests.last)
        #expect(server.chatRequests.count == 1)
        #expect(record.path == "/api/chat")
        #expect(!record.stream && record.authorization == nil)
        let body = try JSONParser.parse(record.body)
        #expect(body["stream"] == .bool(false))
        #expect(body["options"]?["temperature"] == .double(0.5))
        #expect(body["options"]?["top_p"] == .double(0.9))
        #expect(body["options"]?["num_predict"] == .int(50))
        #expect(body["tools"] == nil)
    }

    @Test func streamDeltasJoinToTheCompletion() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL)
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
        // Without options set, none are sent.
        #expect(try JSONParser.parse(try #require(server.chatRequests.last).body)["options"] == nil)
    }

    @Test func toolCallWholeAndStreamed() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL)
        let request = ChatRequest(model: "echo-small", messages: [.user(question)], tools: [weather])
        let expectedUsage = TokenUsage(promptTokens: StandInServer.words(question), completionTokens: 1)

        let reply = try await model.complete(request)
        #expect(reply.finishReason == "tool_calls")
        #expect(reply.content == "")
        #expect(reply.usage == expectedUsage)
        let call = try #require(reply.toolCalls.first)
        #expect(reply.toolCalls.count == 1)
        // Ollama gives calls no ids: they are made up in order.
        #expect(call.id == "call_0" && call.name == "weather")
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
        #expect(streamedCall.name == "weather")
        #expect(try JSONParser.parse(streamedCall.arguments) == JSONParser.parse(arguments))
    }

    @Test func theToolResultGoesBackWithTheToolName() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL)
        let call = ToolCall(id: "call_0", name: "weather", arguments: arguments)
        let request = ChatRequest(model: "echo-small", messages: [
            .user(question), .assistant("", toolCalls: [call]), .tool("Sunny, 24 C", callID: "call_0", name: "weather"),
        ], tools: [weather])
        let reply = try await model.complete(request)
        #expect(reply.content == "Tool said: Sunny, 24 C")
        #expect(reply.finishReason == "stop")
        let body = try JSONParser.parse(try #require(server.chatRequests.last).body)
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.count == 3)
        #expect(messages[1]["role"] == .string("assistant"))
        let sent = try #require(messages[1]["tool_calls"]?.arrayValue?.first)
        #expect(sent["function"]?["name"] == .string("weather"))
        // Arguments go as an object, not as text.
        #expect(try sent["function"]?["arguments"] == JSONParser.parse(arguments))
        #expect(messages[2]["role"] == .string("tool"))
        #expect(messages[2]["tool_name"] == .string("weather"))
        #expect(messages[2]["content"] == .string("Sunny, 24 C"))
    }

    @Test func theKeyIsSentAsABearerToken() async throws {
        let server = try await StandInServer.start(apiKey: "sk-test")
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL, apiKey: "sk-test")
        let reply = try await model.complete(ChatRequest(model: "echo-small", messages: [.user("hi")]))
        #expect(reply.content == "Echo: hi")
        #expect(server.chatRequests.last?.authorization == "Bearer sk-test")
        #expect(try await model.models() == StandInServer.chatModels)
        let wrong = OllamaChatModel(baseURL: server.baseURL, apiKey: nil, call: HTTPCall(retries: 0))
        await #expect(throws: ChatModelError.unauthorized(provider: "ollama", url: server.baseURL + "/api/chat", message: "invalid api key")) {
            _ = try await wrong.complete(ChatRequest(model: "echo-small", messages: [.user("hi")]))
        }
    }

    @Test func noUsageIsNil() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = OllamaChatModel(baseURL: server.baseURL)
        let request = ChatRequest(model: "nousage", messages: [.user("count nothing")])
        let reply = try await model.complete(request)
        #expect(reply.content == "Echo: count nothing")
        #expect(reply.usage == nil)
        let done = try #require(try await drain(model.stream(request)).completions.first)
        #expect(done.content == "Echo: count nothing")
        #expect(done.usage == nil)
    }
}
