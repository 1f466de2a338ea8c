import Foundation
import TroveJSON
import TroveRemote

/// A chat model behind OpenAI's chat completions API, which most servers also speak:
/// OpenAI, vLLM, llama.cpp's server, LM Studio, and Ollama under `/v1`.
public struct OpenAIChatModel: ChatModel {
    public var provider: String { "openai" }
    /// The API root, always ending in `/v1`.
    public let baseURL: String
    private let http: ProviderCall

    /// `baseURL` may be given with or without its `/v1`; `apiKey` is sent as a bearer token
    /// when set (local servers need none).
    public init(baseURL: String = "https://api.openai.com/v1", apiKey: String?, call: HTTPCall = HTTPCall()) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        self.baseURL = base
        var call = call
        if let apiKey, !apiKey.isEmpty { call.headers.append(("Authorization", "Bearer \(apiKey)")) }
        http = ProviderCall(provider: "openai", call: call)
    }

    private var completionsURL: String { baseURL + "/chat/completions" }

    /// OpenAI's API takes every option as it is.
    public func check(_ request: ChatRequest) throws(ChatError) {}

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let url = completionsURL
        let json = try await http.post(url, Self.body(request, stream: false), model: request.model)
        return try Self.completion(from: json, model: request.model, url: url, http: http)
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let url = completionsURL
        let http = self.http
        return http.eventStream(model: request.model) { continuation in
            let lines = try await http.postLines(url, Self.body(request, stream: true), model: request.model)
            var decoder = SSEDecoder()
            var state = StreamState(model: request.model)
            var sawDone = false
            func take(_ event: ServerSentEvent) throws {
                if event.data == "[DONE]" { sawDone = true; return }
                let chunk = try http.parse(event.data, what: "a streamed chunk")
                guard chunk.objectValue != nil else { throw http.malformed("a streamed chunk is not a JSON object: \(event.data.prefix(200))") }
                if chunk["error"] != nil { throw http.streamError(chunk, url: url, model: request.model) }
                if let text = state.take(chunk) { continuation.yield(.delta(text)) }
            }
            for try await line in lines {
                if let event = decoder.feed(line) { try take(event) }
                if sawDone { break }
            }
            if !sawDone, let event = decoder.finish() { try take(event) }
            // Servers end with `data: [DONE]`; one that just closes after the finish reason
            // has still said everything.
            guard sawDone || state.finishReason != nil else {
                throw http.malformed("the stream ended before data: [DONE]")
            }
            continuation.yield(.done(state.completion))
        }
    }

    public func models() async throws -> [String] {
        let json = try await http.get(baseURL + "/models")
        guard let data = json["data"]?.arrayValue else { throw http.malformed("the model list has no data array") }
        return data.compactMap { $0["id"]?.stringValue }
    }

    // MARK: Wire format

    static func body(_ request: ChatRequest, stream: Bool) -> JSONValue {
        let tools: [JSONValue] = request.tools.map { tool in
            .object([
                ("type", .string("function")),
                ("function", .object([
                    ("name", .string(tool.name)), ("description", .string(tool.description)), ("parameters", tool.parameters),
                ] as [(String, JSONValue?)])),
            ] as [(String, JSONValue?)])
        }
        let pairs: [(String, JSONValue?)] = [
            ("model", .string(request.model)),
            ("messages", .array(request.messages.map(message))),
            ("temperature", request.temperature.map { JSONValue.double($0) }),
            ("top_p", request.topP.map { JSONValue.double($0) }),
            ("max_tokens", request.maxTokens.map { JSONValue.int(Int64($0)) }),
            ("tools", tools.isEmpty ? nil : .array(tools)),
            ("tool_choice", request.options.toolChoice.map(ChatOptions.openAIValue)),
            ("stop", request.options.stop.isEmpty ? nil : .array(request.options.stop.map(JSONValue.string))),
            ("seed", request.options.seed.map(JSONValue.int)),
            ("presence_penalty", request.options.presencePenalty.map(JSONValue.double)),
            ("frequency_penalty", request.options.frequencyPenalty.map(JSONValue.double)),
            ("response_format", request.options.responseFormat.map(ChatOptions.openAIValue)),
            ("user", request.options.user.map(JSONValue.string)),
            ("stream", .bool(stream)),
            // Without it the stream carries no token counts.
            ("stream_options", stream ? .object([("include_usage", .bool(true))] as [(String, JSONValue?)]) : nil),
        ]
        return .object(pairs)
    }

    private static func message(_ turn: ChatTurn) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [("role", .string(turn.role.rawValue))]
        // An assistant turn that only calls tools has null content in OpenAI's format.
        let content: JSONValue = turn.role == .assistant && turn.content.isEmpty && !turn.toolCalls.isEmpty ? .null : .string(turn.content)
        pairs.append(("content", content))
        if turn.role == .assistant && !turn.toolCalls.isEmpty {
            let calls: [JSONValue] = turn.toolCalls.map { call in
                .object([
                    ("id", .string(call.id)),
                    ("type", .string("function")),
                    ("function", .object([("name", .string(call.name)), ("arguments", .string(call.arguments))] as [(String, JSONValue?)])),
                ] as [(String, JSONValue?)])
            }
            pairs.append(("tool_calls", .array(calls)))
        }
        if turn.role == .tool { pairs.append(("tool_call_id", .string(turn.toolCallID ?? ""))) }
        return .object(pairs)
    }

    static func completion(from json: JSONValue, model: String, url: String, http: ProviderCall) throws -> ChatCompletion {
        guard json.objectValue != nil else { throw http.malformed("the answer is not a JSON object") }
        if json["error"] != nil { throw http.streamError(json, url: url, model: model) }
        guard let choice = json["choices"]?.arrayValue?.first else { throw http.malformed("the answer has no choices[0]") }
        guard let message = choice["message"] else { throw http.malformed("choices[0] has no message") }
        var calls: [ToolCall] = []
        for (i, item) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            guard let name = item["function"]?["name"]?.stringValue else {
                throw http.malformed("tool_calls[\(i)] has no function name")
            }
            let arguments = ToolCallAssembler.argumentsText(item["function"]?["arguments"]) ?? "{}"
            calls.append(ToolCall(id: item["id"]?.stringValue ?? "call_\(i)", name: name, arguments: arguments))
        }
        let reason = choice["finish_reason"]?.stringValue ?? (calls.isEmpty ? "stop" : "tool_calls")
        return ChatCompletion(model: json["model"]?.stringValue ?? model, content: message["content"]?.stringValue ?? "",
                              toolCalls: calls, usage: usage(json["usage"]), finishReason: normalized(reason))
    }

    static func usage(_ value: JSONValue?) -> TokenUsage? {
        guard let value, let prompt = value["prompt_tokens"]?.intValue, let completion = value["completion_tokens"]?.intValue else {
            return nil
        }
        return TokenUsage(promptTokens: prompt, completionTokens: completion, totalTokens: value["total_tokens"]?.intValue)
    }

    /// The legacy `function_call` reason means what `tool_calls` does now.
    private static func normalized(_ reason: String) -> String {
        reason == "function_call" ? "tool_calls" : reason
    }

    /// What a stream has said so far.
    private struct StreamState {
        var model: String
        var content = ""
        var tools = ToolCallAssembler()
        var usage: TokenUsage?
        var finishReason: String?

        init(model: String) { self.model = model }

        /// Takes one chunk; returns its text, if it has any.
        mutating func take(_ chunk: JSONValue) -> String? {
            if let name = chunk["model"]?.stringValue, !name.isEmpty { model = name }
            // The usage chunk comes last, with empty choices.
            if let counted = OpenAIChatModel.usage(chunk["usage"]) { usage = counted }
            guard let choice = chunk["choices"]?.arrayValue?.first else { return nil }
            let delta = choice["delta"]
            for fragment in delta?["tool_calls"]?.arrayValue ?? [] { tools.add(openAIFragment: fragment) }
            if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
            guard let text = delta?["content"]?.stringValue, !text.isEmpty else { return nil }
            content += text
            return text
        }

        var completion: ChatCompletion {
            let calls = tools.calls
            let reason = finishReason ?? (calls.isEmpty ? "stop" : "tool_calls")
            return ChatCompletion(model: model, content: content, toolCalls: calls, usage: usage,
                                  finishReason: OpenAIChatModel.normalized(reason))
        }
    }
}
