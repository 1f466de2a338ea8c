import Foundation
import TroveJSON
import TroveRemote

/// A chat model behind Anthropic's Messages API: system text apart from the turns, turns
/// made of content blocks (tool calls are `tool_use` blocks, their results `tool_result`
/// blocks in a user turn), and a stream of typed server-sent events.
public struct AnthropicChatModel: ChatModel {
    public var provider: String { "anthropic" }
    /// The API root, without `/v1`.
    public let baseURL: String
    /// The API version every request names.
    public static let apiVersion = "2023-06-01"
    /// Anthropic requires a limit on the answer; this one is used when the request has none.
    public static let defaultMaxTokens = 1024
    private let http: ProviderCall

    public init(baseURL: String = "https://api.anthropic.com", apiKey: String?, call: HTTPCall = HTTPCall()) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        self.baseURL = base
        var call = call
        if let apiKey, !apiKey.isEmpty { call.headers.append(("x-api-key", apiKey)) }
        call.headers.append(("anthropic-version", Self.apiVersion))
        http = ProviderCall(provider: "anthropic", call: call)
    }

    private var messagesURL: String { baseURL + "/v1/messages" }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let url = messagesURL
        let json = try await http.post(url, Self.body(request, stream: false), model: request.model)
        guard json.objectValue != nil else { throw http.malformed("the answer is not a JSON object") }
        if json["type"]?.stringValue == "error" { throw http.streamError(json, url: url, model: request.model) }
        guard let blocks = json["content"]?.arrayValue else { throw http.malformed("the answer has no content array") }
        var text = ""
        var calls: [ToolCall] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text"?:
                text += block["text"]?.stringValue ?? ""
            case "tool_use"?:
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw http.malformed("a tool_use block has no id or name")
                }
                calls.append(ToolCall(id: id, name: name, arguments: block["input"]?.text ?? "{}"))
            default:
                // Thinking and other blocks are not part of the answer's text.
                break
            }
        }
        var usage: TokenUsage?
        if let counts = json["usage"], let input = counts["input_tokens"]?.intValue, let output = counts["output_tokens"]?.intValue {
            usage = TokenUsage(promptTokens: input, completionTokens: output)
        }
        return ChatCompletion(model: json["model"]?.stringValue ?? request.model, content: text, toolCalls: calls, usage: usage,
                              finishReason: Self.finishReason(json["stop_reason"]?.stringValue, hasCalls: !calls.isEmpty))
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let url = messagesURL
        let http = self.http
        return http.eventStream(model: request.model) { continuation in
            let lines = try await http.postLines(url, Self.body(request, stream: true), model: request.model)
            var decoder = SSEDecoder()
            var state = StreamState(model: request.model)
            func take(_ event: ServerSentEvent) throws {
                let json = try http.parse(event.data, what: "a streamed event")
                guard json.objectValue != nil else { throw http.malformed("a streamed event is not a JSON object: \(event.data.prefix(200))") }
                let type = json["type"]?.stringValue ?? event.event ?? ""
                if type == "error" { throw http.streamError(json, url: url, model: request.model) }
                if let text = state.take(type: type, json) { continuation.yield(.delta(text)) }
            }
            for try await line in lines {
                if let event = decoder.feed(line) { try take(event) }
                if state.stopped { break }
            }
            if !state.stopped, let event = decoder.finish() { try take(event) }
            guard state.stopped else { throw http.malformed("the stream ended before message_stop") }
            continuation.yield(.done(state.completion))
        }
    }

    public func models() async throws -> [String] {
        let json = try await http.get(baseURL + "/v1/models")
        guard let data = json["data"]?.arrayValue else { throw http.malformed("the model list has no data array") }
        return data.compactMap { $0["id"]?.stringValue }
    }

    // MARK: Wire format

    /// Anthropic's Messages API has stop sequences, tool choice and a user id, but no
    /// seed, no penalties and no JSON mode.
    public func check(_ request: ChatRequest) throws(ChatError) {
        let o = request.options
        if o.seed != nil { throw ChatOptions.unsupported("seed", by: provider) }
        if o.presencePenalty != nil { throw ChatOptions.unsupported("presence_penalty", by: provider) }
        if o.frequencyPenalty != nil { throw ChatOptions.unsupported("frequency_penalty", by: provider) }
        if let f = o.responseFormat, f != .text { throw ChatOptions.unsupported("response_format", by: provider, "it has no JSON mode") }
    }

    static func body(_ request: ChatRequest, stream: Bool) -> JSONValue {
        let system = request.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        let tools: [JSONValue] = request.tools.map { tool in
            .object([
                ("name", .string(tool.name)), ("description", .string(tool.description)), ("input_schema", tool.parameters),
            ] as [(String, JSONValue?)])
        }
        let pairs: [(String, JSONValue?)] = [
            ("model", .string(request.model)),
            ("max_tokens", .int(Int64(request.maxTokens ?? defaultMaxTokens))),
            ("system", system.isEmpty ? nil : .string(system)),
            ("messages", .array(messages(request.messages))),
            ("temperature", request.temperature.map { JSONValue.double($0) }),
            ("top_p", request.topP.map { JSONValue.double($0) }),
            ("tools", tools.isEmpty ? nil : .array(tools)),
            ("tool_choice", tools.isEmpty ? nil : request.options.toolChoice.map(toolChoice)),
            ("stop_sequences", request.options.stop.isEmpty ? nil : .array(request.options.stop.map(JSONValue.string))),
            ("metadata", request.options.user.map { .object([("user_id", .string($0))]) }),
            ("stream", .bool(stream)),
        ]
        return .object(pairs)
    }

    /// Anthropic's words for a tool choice: auto, none, any, or one tool.
    private static func toolChoice(_ c: ToolChoice) -> JSONValue {
        switch c {
        case .auto: return .object([("type", .string("auto"))])
        case .none: return .object([("type", .string("none"))])
        case .required: return .object([("type", .string("any"))])
        case let .function(name): return .object([("type", .string("tool")), ("name", .string(name))])
        }
    }

    /// The turns other than system ones as Anthropic messages. The API wants user and
    /// assistant to alternate, so consecutive turns of one role (a user turn after tool
    /// results, several tool results) become one message.
    private static func messages(_ turns: [ChatTurn]) -> [JSONValue] {
        var merged: [(role: String, blocks: [JSONValue])] = []
        for turn in turns {
            var blocks: [JSONValue] = []
            switch turn.role {
            case .system:
                continue
            case .user:
                // Empty text blocks are rejected by the API.
                if !turn.content.isEmpty { blocks.append(textBlock(turn.content)) }
            case .assistant:
                if !turn.content.isEmpty { blocks.append(textBlock(turn.content)) }
                for call in turn.toolCalls {
                    blocks.append(.object([
                        ("type", .string("tool_use")), ("id", .string(call.id)), ("name", .string(call.name)),
                        ("input", inputObject(call.arguments)),
                    ] as [(String, JSONValue?)]))
                }
            case .tool:
                blocks.append(.object([
                    ("type", .string("tool_result")), ("tool_use_id", .string(turn.toolCallID ?? "")), ("content", .string(turn.content)),
                ] as [(String, JSONValue?)]))
            }
            guard !blocks.isEmpty else { continue }
            let role = turn.role == .assistant ? "assistant" : "user"
            if let last = merged.indices.last, merged[last].role == role {
                merged[last].blocks += blocks
            } else {
                merged.append((role, blocks))
            }
        }
        return merged.map { message in
            JSONValue.object([("role", .string(message.role)), ("content", .array(message.blocks))] as [(String, JSONValue?)])
        }
    }

    private static func textBlock(_ text: String) -> JSONValue {
        .object([("type", .string("text")), ("text", .string(text))] as [(String, JSONValue?)])
    }

    /// `input` must be an object; arguments that are not one go as an empty object.
    private static func inputObject(_ text: String) -> JSONValue {
        if let value = try? JSONParser.parse(text), value.objectValue != nil { return value }
        return .object([JSONMember]())
    }

    /// Anthropic's stop reasons in OpenAI's words.
    static func finishReason(_ reason: String?, hasCalls: Bool) -> String {
        switch reason {
        case "end_turn"?, "stop_sequence"?: return "stop"
        case "max_tokens"?: return "length"
        case "tool_use"?: return "tool_calls"
        case "refusal"?: return "content_filter"
        case let other?: return other
        case nil: return hasCalls ? "tool_calls" : "stop"
        }
    }

    /// What the event stream has said so far.
    private struct StreamState {
        var model: String
        var content = ""
        var tools = ToolCallAssembler()
        var inputTokens: Int?
        var outputTokens: Int?
        var stopReason: String?
        var stopped = false

        init(model: String) { self.model = model }

        /// Takes one event's payload; returns its text, if it has any.
        mutating func take(type: String, _ json: JSONValue) -> String? {
            switch type {
            case "message_start":
                let message = json["message"]
                if let name = message?["model"]?.stringValue, !name.isEmpty { model = name }
                inputTokens = message?["usage"]?["input_tokens"]?.intValue ?? inputTokens
                outputTokens = message?["usage"]?["output_tokens"]?.intValue ?? outputTokens
            case "content_block_start":
                guard let index = json["index"]?.intValue, let block = json["content_block"] else { return nil }
                if block["type"]?.stringValue == "tool_use" {
                    tools.add(index: index, id: block["id"]?.stringValue, name: block["name"]?.stringValue)
                    // The input comes as `{}` here and then in pieces; a server that sends it
                    // whole here sends no pieces.
                    if let input = block["input"], input.objectValue?.isEmpty == false { tools.add(index: index, arguments: input.text) }
                } else if block["type"]?.stringValue == "text", let text = block["text"]?.stringValue, !text.isEmpty {
                    content += text
                    return text
                }
            case "content_block_delta":
                guard let delta = json["delta"] else { return nil }
                switch delta["type"]?.stringValue {
                case "text_delta"?:
                    guard let text = delta["text"]?.stringValue, !text.isEmpty else { return nil }
                    content += text
                    return text
                case "input_json_delta"?:
                    if let index = json["index"]?.intValue { tools.add(index: index, arguments: delta["partial_json"]?.stringValue ?? "") }
                default:
                    break
                }
            case "message_delta":
                stopReason = json["delta"]?["stop_reason"]?.stringValue ?? stopReason
                // Counts here are cumulative.
                outputTokens = json["usage"]?["output_tokens"]?.intValue ?? outputTokens
                inputTokens = json["usage"]?["input_tokens"]?.intValue ?? inputTokens
            case "message_stop":
                stopped = true
            default:
                // ping, content_block_stop, and event types added later.
                break
            }
            return nil
        }

        var completion: ChatCompletion {
            let calls = tools.calls
            var usage: TokenUsage?
            if let inputTokens, let outputTokens { usage = TokenUsage(promptTokens: inputTokens, completionTokens: outputTokens) }
            return ChatCompletion(model: model, content: content, toolCalls: calls, usage: usage,
                                  finishReason: AnthropicChatModel.finishReason(stopReason, hasCalls: !calls.isEmpty))
        }
    }
}
