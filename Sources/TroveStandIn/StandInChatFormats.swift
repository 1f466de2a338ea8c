import TroveJSON

/// The stand-in's chat answers in each provider's wire format: whole JSON documents, and
/// the pieces of a stream (one write each, so that clients see them arrive in parts).
struct ChatWireFormat {
    let ask: ChatAsk
    let answer: ChatAsk.Answer
    /// False for the `nousage` model: no counts anywhere.
    let usage: Bool
    /// For the `malformed` model: a stream breaks after its first piece.
    let malformed: Bool

    init(ask: ChatAsk, usage: Bool, malformed: Bool) {
        self.ask = ask
        self.answer = ask.answer
        self.usage = usage
        self.malformed = malformed
    }

    static let toolCallID = "call_1"

    /// A 200 answer cut off in the middle.
    static func truncated(_ wire: ChatWire) -> String {
        switch wire {
        case .openAI: return #"{"id":"chatcmpl-standin","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Ech"#
        case .ollama: return #"{"model":"malformed","message":{"role":"assistant","content":"Ech"#
        case .anthropic: return #"{"id":"msg_standin","type":"message","content":[{"type":"text","text":"Ech"#
        }
    }

    private var promptTokens: JSONValue { .int(Int64(ask.promptTokens)) }
    private var completionTokens: JSONValue { .int(Int64(ask.completionTokens)) }
    private var model: JSONValue { .string(ask.model) }

    /// Tool-call arguments in two pieces, so that clients must join them.
    private static func fragments(_ text: String) -> [String] {
        guard text.count >= 2 else { return [text] }
        let middle = text.index(text.startIndex, offsetBy: text.count / 2)
        return [String(text[..<middle]), String(text[middle...])]
    }

    private static func parsedArguments(_ text: String) -> JSONValue {
        (try? JSONParser.parse(text)) ?? .object([JSONMember]())
    }

    // MARK: OpenAI

    private var openAIUsage: JSONValue {
        jsonObject(["prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                    "total_tokens": .int(Int64(ask.promptTokens + ask.completionTokens))])
    }

    func openAICompletion() -> JSONValue {
        let message: JSONValue
        let reason: String
        switch answer {
        case let .text(text):
            message = jsonObject(["role": .string("assistant"), "content": .string(text)])
            reason = "stop"
        case let .toolCall(name, arguments):
            message = jsonObject(["role": .string("assistant"), "content": .null, "tool_calls": .array([jsonObject([
                "id": .string(Self.toolCallID), "type": .string("function"),
                "function": jsonObject(["name": .string(name), "arguments": .string(arguments)]),
            ])])])
            reason = "tool_calls"
        }
        var members: [JSONMember] = [
            JSONMember("id", .string("chatcmpl-standin")), JSONMember("object", .string("chat.completion")),
            JSONMember("created", .int(1_700_000_000)), JSONMember("model", model),
            JSONMember("choices", .array([jsonObject(["index": .int(0), "message": message, "finish_reason": .string(reason)])])),
        ]
        if usage { members.append(JSONMember("usage", openAIUsage)) }
        return .object(members)
    }

    private func openAIChunk(delta: JSONValue, finish: String? = nil) -> String {
        let chunk = jsonObject([
            "id": .string("chatcmpl-standin"), "object": .string("chat.completion.chunk"), "created": .int(1_700_000_000), "model": model,
            "choices": .array([jsonObject(["index": .int(0), "delta": delta, "finish_reason": finish.map(JSONValue.string) ?? .null])]),
        ])
        return "data: " + JSONWriter.string(chunk) + "\n\n"
    }

    func openAIChunks() -> [String] {
        var out = [openAIChunk(delta: jsonObject(["role": .string("assistant"), "content": .string("")]))]
        if malformed {
            out.append(#"data: {"id":"chatcmpl-standin","choices":[{"index":0,"delta":{"content":"Ech"# + "\n\n")
            out.append("data: [DONE]\n\n")
            return out
        }
        let reason: String
        switch answer {
        case let .text(text):
            out += StandInServer.replyPieces(text).map { openAIChunk(delta: jsonObject(["content": .string($0)])) }
            reason = "stop"
        case let .toolCall(name, arguments):
            out.append(openAIChunk(delta: jsonObject(["tool_calls": .array([jsonObject([
                "index": .int(0), "id": .string(Self.toolCallID), "type": .string("function"),
                "function": jsonObject(["name": .string(name), "arguments": .string("")]),
            ])])])))
            for piece in Self.fragments(arguments) {
                out.append(openAIChunk(delta: jsonObject(["tool_calls": .array([jsonObject([
                    "index": .int(0), "function": jsonObject(["arguments": .string(piece)]),
                ])])])))
            }
            reason = "tool_calls"
        }
        out.append(openAIChunk(delta: .object([JSONMember]()), finish: reason))
        if usage && ask.includeUsage {
            let last = jsonObject([
                "id": .string("chatcmpl-standin"), "object": .string("chat.completion.chunk"), "created": .int(1_700_000_000), "model": model,
                "choices": .array([]), "usage": openAIUsage,
            ])
            out.append("data: " + JSONWriter.string(last) + "\n\n")
        }
        out.append("data: [DONE]\n\n")
        return out
    }

    // MARK: Ollama

    private func ollamaMessage(content: String, toolCall: (name: String, arguments: String)? = nil) -> JSONValue {
        var members = [JSONMember("role", .string("assistant")), JSONMember("content", .string(content))]
        if let toolCall {
            members.append(JSONMember("tool_calls", .array([jsonObject([
                "function": jsonObject(["name": .string(toolCall.name), "arguments": Self.parsedArguments(toolCall.arguments)]),
            ])])))
        }
        return .object(members)
    }

    private func ollamaDone(_ message: JSONValue) -> JSONValue {
        var members = [
            JSONMember("model", model), JSONMember("created_at", .string("2025-01-01T00:00:00Z")), JSONMember("message", message),
            JSONMember("done", .bool(true)), JSONMember("done_reason", .string("stop")), JSONMember("total_duration", .int(1000)),
        ]
        if usage {
            members.append(JSONMember("prompt_eval_count", promptTokens))
            members.append(JSONMember("eval_count", completionTokens))
        }
        return .object(members)
    }

    func ollamaCompletion() -> JSONValue {
        switch answer {
        case let .text(text): return ollamaDone(ollamaMessage(content: text))
        case let .toolCall(name, arguments): return ollamaDone(ollamaMessage(content: "", toolCall: (name: name, arguments: arguments)))
        }
    }

    private func ollamaLine(_ message: JSONValue) -> String {
        JSONWriter.string(jsonObject([
            "model": model, "created_at": .string("2025-01-01T00:00:00Z"), "message": message, "done": .bool(false),
        ])) + "\n"
    }

    /// Ollama sends a tool call whole, in one line: its arguments are an object, not text.
    func ollamaLines() -> [String] {
        if malformed {
            return [ollamaLine(ollamaMessage(content: "Echo: ")), #"{"model":"malformed","message":{"role":"assistant","content":"Ech"# + "\n"]
        }
        var out: [String] = []
        switch answer {
        case let .text(text):
            out = StandInServer.replyPieces(text).map { ollamaLine(ollamaMessage(content: $0)) }
        case let .toolCall(name, arguments):
            out = [ollamaLine(ollamaMessage(content: "", toolCall: (name: name, arguments: arguments)))]
        }
        out.append(JSONWriter.string(ollamaDone(ollamaMessage(content: ""))) + "\n")
        return out
    }

    // MARK: Anthropic

    private var anthropicStop: String {
        if case .toolCall = answer { return "tool_use" }
        return "end_turn"
    }

    func anthropicMessage() -> JSONValue {
        let block: JSONValue
        switch answer {
        case let .text(text):
            block = jsonObject(["type": .string("text"), "text": .string(text)])
        case let .toolCall(name, arguments):
            block = jsonObject(["type": .string("tool_use"), "id": .string(Self.toolCallID), "name": .string(name),
                                "input": Self.parsedArguments(arguments)])
        }
        return jsonObject([
            "id": .string("msg_standin"), "type": .string("message"), "role": .string("assistant"), "model": model,
            "content": .array([block]), "stop_reason": .string(anthropicStop), "stop_sequence": .null,
            "usage": jsonObject(["input_tokens": promptTokens, "output_tokens": completionTokens]),
        ])
    }

    private static func event(_ name: String, _ data: JSONValue) -> String {
        "event: \(name)\ndata: \(JSONWriter.string(data))\n\n"
    }

    func anthropicEvents() -> [String] {
        var out = [Self.event("message_start", jsonObject(["type": .string("message_start"), "message": jsonObject([
            "id": .string("msg_standin"), "type": .string("message"), "role": .string("assistant"), "model": model,
            "content": .array([]), "stop_reason": .null, "stop_sequence": .null,
            "usage": jsonObject(["input_tokens": promptTokens, "output_tokens": .int(1)]),
        ])]))]
        if malformed {
            out.append("event: content_block_delta\n" + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_"# + "\n\n")
            return out
        }
        switch answer {
        case let .text(text):
            out.append(Self.event("content_block_start", jsonObject([
                "type": .string("content_block_start"), "index": .int(0),
                "content_block": jsonObject(["type": .string("text"), "text": .string("")]),
            ])))
            out.append(Self.event("ping", jsonObject(["type": .string("ping")])))
            for piece in StandInServer.replyPieces(text) {
                out.append(Self.event("content_block_delta", jsonObject([
                    "type": .string("content_block_delta"), "index": .int(0),
                    "delta": jsonObject(["type": .string("text_delta"), "text": .string(piece)]),
                ])))
            }
        case let .toolCall(name, arguments):
            out.append(Self.event("content_block_start", jsonObject([
                "type": .string("content_block_start"), "index": .int(0),
                "content_block": jsonObject(["type": .string("tool_use"), "id": .string(Self.toolCallID), "name": .string(name),
                                             "input": .object([JSONMember]())]),
            ])))
            for piece in Self.fragments(arguments) {
                out.append(Self.event("content_block_delta", jsonObject([
                    "type": .string("content_block_delta"), "index": .int(0),
                    "delta": jsonObject(["type": .string("input_json_delta"), "partial_json": .string(piece)]),
                ])))
            }
        }
        out.append(Self.event("content_block_stop", jsonObject(["type": .string("content_block_stop"), "index": .int(0)])))
        out.append(Self.event("message_delta", jsonObject([
            "type": .string("message_delta"),
            "delta": jsonObject(["stop_reason": .string(anthropicStop), "stop_sequence": .null]),
            "usage": jsonObject(["output_tokens": completionTokens]),
        ])))
        out.append(Self.event("message_stop", jsonObject(["type": .string("message_stop")])))
        return out
    }
}
