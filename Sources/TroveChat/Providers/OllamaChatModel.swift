import Foundation
import TroveJSON
import TroveRemote

/// A chat model behind Ollama's native `/api/chat`, which streams newline-delimited JSON
/// and takes tool-call arguments as JSON objects rather than text.
public struct OllamaChatModel: ChatModel {
    public var provider: String { "ollama" }
    public let baseURL: String
    private let http: ProviderCall

    /// `apiKey` is sent as a bearer token when set (for an Ollama behind a proxy).
    public init(baseURL: String = "http://127.0.0.1:11434", apiKey: String? = nil, call: HTTPCall = HTTPCall()) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        // `…/api` is a common way to write the base; the paths below add it.
        if base.hasSuffix("/api") { base.removeLast(4) }
        self.baseURL = base
        var call = call
        if let apiKey, !apiKey.isEmpty { call.headers.append(("Authorization", "Bearer \(apiKey)")) }
        http = ProviderCall(provider: "ollama", call: call)
    }

    private var chatURL: String { baseURL + "/api/chat" }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let url = chatURL
        let json = try await http.post(url, Self.body(request, stream: false), model: request.model)
        guard json.objectValue != nil else { throw http.malformed("the answer is not a JSON object") }
        if json["error"] != nil { throw http.streamError(json, url: url, model: request.model) }
        guard let message = json["message"] else { throw http.malformed("the answer has no message") }
        var state = StreamState(model: request.model)
        _ = try state.take(message: message, http: http)
        state.finish(json)
        return state.completion
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let url = chatURL
        let http = self.http
        return http.eventStream(model: request.model) { continuation in
            let lines = try await http.postLines(url, Self.body(request, stream: true), model: request.model)
            var state = StreamState(model: request.model)
            var finished = false
            for try await line in lines where !line.allSatisfy(\.isWhitespace) {
                let chunk = try http.parse(line, what: "a streamed line")
                guard chunk.objectValue != nil else { throw http.malformed("a streamed line is not a JSON object: \(line.prefix(200))") }
                if chunk["error"] != nil { throw http.streamError(chunk, url: url, model: request.model) }
                if let message = chunk["message"], let text = try state.take(message: message, http: http) {
                    continuation.yield(.delta(text))
                }
                if chunk["done"]?.boolValue == true {
                    state.finish(chunk)
                    finished = true
                    break
                }
            }
            guard finished else { throw http.malformed("the stream ended before a line with done: true") }
            continuation.yield(.done(state.completion))
        }
    }

    public func models() async throws -> [String] {
        let json = try await http.get(baseURL + "/api/tags")
        guard let models = json["models"]?.arrayValue else { throw http.malformed("the model list has no models array") }
        return models.compactMap { $0["name"]?.stringValue ?? $0["model"]?.stringValue }
    }

    // MARK: Wire format

    /// Ollama's chat API has stop, seed and penalties among its options and a `format`
    /// for JSON answers, but no forced tool call and no end-user field.
    public func check(_ request: ChatRequest) throws(ChatError) {
        switch request.options.toolChoice {
        case .required?, .function?: throw ChatOptions.unsupported("tool_choice", by: provider, "it has no forced tool call; use auto or none")
        default: break
        }
        if request.options.user != nil { throw ChatOptions.unsupported("user", by: provider) }
    }

    static func body(_ request: ChatRequest, stream: Bool) -> JSONValue {
        let o = request.options
        let optionPairs: [(String, JSONValue?)] = [
            ("temperature", request.temperature.map { JSONValue.double($0) }),
            ("top_p", request.topP.map { JSONValue.double($0) }),
            ("num_predict", request.maxTokens.map { JSONValue.int(Int64($0)) }),
            ("stop", o.stop.isEmpty ? nil : .array(o.stop.map(JSONValue.string))),
            ("seed", o.seed.map(JSONValue.int)),
            ("presence_penalty", o.presencePenalty.map(JSONValue.double)),
            ("frequency_penalty", o.frequencyPenalty.map(JSONValue.double)),
        ]
        let options = optionPairs.contains { $0.1 != nil } ? JSONValue.object(optionPairs) : nil
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
            // Ollama streams unless told not to.
            ("stream", .bool(stream)),
            ("options", options),
            // "none" is met by offering no tools.
            ("tools", tools.isEmpty || o.toolChoice == ToolChoice.none ? nil : .array(tools)),
            ("format", format(o.responseFormat)),
        ]
        return .object(pairs)
    }

    /// `"json"` for any JSON object, the schema itself for a JSON schema.
    private static func format(_ f: ResponseFormat?) -> JSONValue? {
        switch f {
        case .jsonObject?: return .string("json")
        case let .jsonSchema(_, schema, _)?: return schema
        case .text?, nil: return nil
        }
    }

    private static func message(_ turn: ChatTurn) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [("role", .string(turn.role.rawValue)), ("content", .string(turn.content))]
        if turn.role == .assistant && !turn.toolCalls.isEmpty {
            let calls: [JSONValue] = turn.toolCalls.map { call in
                .object([
                    ("function", .object([("name", .string(call.name)), ("arguments", argumentsObject(call.arguments))] as [(String, JSONValue?)])),
                ] as [(String, JSONValue?)])
            }
            pairs.append(("tool_calls", .array(calls)))
        }
        if turn.role == .tool, let name = turn.name { pairs.append(("tool_name", .string(name))) }
        return .object(pairs)
    }

    /// Ollama wants the arguments as an object; text the model wrote that is not a JSON
    /// object cannot be sent back as it was, so it goes as an empty object.
    private static func argumentsObject(_ text: String) -> JSONValue {
        if let value = try? JSONParser.parse(text), value.objectValue != nil { return value }
        return .object([JSONMember]())
    }

    /// What the answer has said so far (one JSON document, or the lines of a stream).
    private struct StreamState {
        var model: String
        var content = ""
        var calls: [ToolCall] = []
        var usage: TokenUsage?
        var doneReason: String?

        init(model: String) { self.model = model }

        /// Takes a `message`; returns its text, if it has any. Tool calls come whole.
        mutating func take(message: JSONValue, http: ProviderCall) throws -> String? {
            for item in message["tool_calls"]?.arrayValue ?? [] {
                guard let function = item["function"], let name = function["name"]?.stringValue else {
                    throw http.malformed("a tool call has no function name")
                }
                let arguments = ToolCallAssembler.argumentsText(function["arguments"]) ?? "{}"
                calls.append(ToolCall(id: item["id"]?.stringValue ?? "call_\(calls.count)", name: name, arguments: arguments))
            }
            guard let text = message["content"]?.stringValue, !text.isEmpty else { return nil }
            content += text
            return text
        }

        /// Takes the last document (`done: true`): the model, the reason, the counts.
        mutating func finish(_ json: JSONValue) {
            if let name = json["model"]?.stringValue, !name.isEmpty { model = name }
            doneReason = json["done_reason"]?.stringValue
            let prompt = json["prompt_eval_count"]?.intValue
            let completion = json["eval_count"]?.intValue
            if prompt != nil || completion != nil {
                usage = TokenUsage(promptTokens: prompt ?? 0, completionTokens: completion ?? 0)
            }
        }

        var completion: ChatCompletion {
            let reason = !calls.isEmpty ? "tool_calls" : (doneReason == "length" ? "length" : "stop")
            return ChatCompletion(model: model, content: content, toolCalls: calls, usage: usage, finishReason: reason)
        }
    }
}
