import Foundation
import TroveChat
import TroveJSON

/// OpenAI's chat wire format, both ways: request bodies into `ChatRequest`, completions
/// and stream chunks out.
enum OpenAIWire {
    /// The request; errors name the field path.
    /// Reads the members Trove uses with their types checked, as OpenAI does: a wrongly
    /// typed one is a 400 naming its path. Options Trove cannot honour are refused, not
    /// dropped (`refusedMembers`); members that change nothing in the answer (`store`,
    /// `metadata`, …) are left alone, since OpenAI clients send many.
    static func request(_ body: JSONValue) throws -> OpenAIRequest {
        let input = try JSONInput(body)
        let model = try input.requiredString("model")
        guard let items = try input.array("messages"), !items.isEmpty else { throw APIError.badRequest("$.messages: a non-empty array", field: "$.messages") }
        let turns = try items.enumerated().map { i, m in try turn(JSONInput(m, path: "$.messages[\(i)]")) }
        let tools = try (input.array("tools") ?? []).enumerated().map { i, t -> ToolSpec in
            let tool = try JSONInput(t, path: "$.tools[\(i)]")
            guard let f = try tool.object("function"), let name = try f.string("name") else {
                throw APIError.badRequest("$.tools[\(i)].function.name: required", field: "$.tools[\(i)].function.name")
            }
            return ToolSpec(name: name, description: try f.string("description") ?? "", parameters: f.value["parameters"] ?? .object([JSONMember]()))
        }
        let maxTokens = try input.int("max_completion_tokens") ?? input.int("max_tokens")
        if let m = maxTokens, m < 1 { throw APIError.badRequest("$.max_tokens: a positive integer", field: "$.max_tokens") }
        let options = try options(input)
        if let choice = options.toolChoice {
            if tools.isEmpty { throw APIError.badRequest("$.tool_choice: only allowed when tools are given", field: "$.tool_choice") }
            if case let .function(name) = choice, !tools.contains(where: { $0.name == name }) {
                throw APIError.badRequest("$.tool_choice.function.name: no tool named '\(name)' in $.tools", field: "$.tool_choice.function.name")
            }
        }
        let chat = ChatRequest(model: model, messages: turns, temperature: try input.double("temperature", in: 0...2),
                               topP: try input.double("top_p", in: 0...1), maxTokens: maxTokens, tools: tools, options: options)
        let stream = try input.bool("stream") ?? false
        let streamOptions = try input.object("stream_options")
        if streamOptions != nil && !stream {
            throw APIError.badRequest("$.stream_options: only allowed when stream is true", field: "$.stream_options")
        }
        return OpenAIRequest(chat: chat, stream: stream, includeUsage: try streamOptions?.bool("include_usage") ?? false,
                             choices: try input.int("n", in: 1...CompletionService.maxChoices) ?? 1,
                             conversationID: try input.string("conversation_id"))
    }

    /// One message: role, content (a string or text parts), tool calls, tool call id, name.
    private static func turn(_ m: JSONInput) throws -> ChatTurn {
        guard let roleName = try m.string("role"), let role = ChatRole(rawValue: roleName == "developer" ? "system" : roleName) else {
            throw APIError.badRequest("\(m.path(of: "role")): system, user, assistant or tool", field: m.path(of: "role"))
        }
        let content: String
        switch m.value["content"] {
        case let .string(s)?: content = s
        case nil, .null?: content = ""
        case let .array(parts)?:
            content = parts.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }.joined(separator: "\n")
        default: throw APIError.badRequest("\(m.path(of: "content")): a string or an array of text parts", field: m.path(of: "content"))
        }
        let calls = try (m.array("tool_calls") ?? []).enumerated().map { j, c -> ToolCall in
            let call = try JSONInput(c, path: "\(m.path(of: "tool_calls"))[\(j)]")
            guard let id = try call.string("id"), let f = try call.object("function"), let name = try f.string("name") else {
                throw APIError.badRequest("\(call.path): needs id and function.name", field: call.path)
            }
            return ToolCall(id: id, name: name, arguments: try f.string("arguments") ?? "{}")
        }
        return ChatTurn(role: role, content: content, toolCalls: calls, toolCallID: try m.string("tool_call_id"), name: try m.string("name"))
    }

    static func usage(_ u: TokenUsage) -> JSONValue {
        .object([("prompt_tokens", .int(Int64(u.promptTokens))), ("completion_tokens", .int(Int64(u.completionTokens))),
                 ("total_tokens", .int(Int64(u.totalTokens)))])
    }

    static func toolCalls(_ calls: [ToolCall]) -> JSONValue? {
        calls.isEmpty ? nil : .array(calls.enumerated().map { i, c in
            .object([("index", .int(Int64(i))), ("id", .string(c.id)), ("type", .string("function")),
                     ("function", .object([("name", .string(c.name)), ("arguments", .string(c.arguments))]))])
        })
    }

    /// A whole completion with one choice per answer (`n`).
    static func completion(id: String, model: String, created: Int64, answers: [ChatCompletion], usage u: TokenUsage,
                           extra: [(String, JSONValue?)] = []) -> JSONValue {
        let choices: [JSONValue] = answers.enumerated().map { i, c in
            .object([("index", .int(Int64(i))),
                     ("message", .object([("role", .string("assistant")), ("content", .string(c.content)), ("tool_calls", toolCalls(c.toolCalls))])),
                     ("finish_reason", .string(c.finishReason))])
        }
        return .object([("id", .string(id)), ("object", .string("chat.completion")), ("created", .int(created)), ("model", .string(model)),
                        ("choices", .array(choices)), ("usage", usage(u))] + extra)
    }

    /// One `chat.completion.chunk` of choice `index`. With `includeUsage` it carries
    /// `usage: null`, as OpenAI's chunks do when usage was asked for; without, no usage
    /// member at all.
    static func chunk(id: String, model: String, created: Int64, index: Int = 0, delta: JSONValue, finish: String?,
                      includeUsage: Bool) -> JSONValue {
        .object([("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .int(created)), ("model", .string(model)),
                 ("choices", .array([.object([("index", .int(Int64(index))), ("delta", delta), ("finish_reason", finish.map(JSONValue.string) ?? .null)])])),
                 ("usage", includeUsage ? .null : nil)])
    }

    /// The last chunk when usage was asked for: no choices, the whole call's usage.
    static func usageChunk(id: String, model: String, created: Int64, usage u: TokenUsage) -> JSONValue {
        .object([("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .int(created)), ("model", .string(model)),
                 ("choices", .array([])), ("usage", usage(u))])
    }

    static func newID() -> String { "chatcmpl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24) }
}
