import Foundation
import TroveChat
import TroveJSON

/// OpenAI's chat wire format, both ways: request bodies into `ChatRequest`, completions
/// and stream chunks out.
enum OpenAIWire {
    /// The request; errors name the field path.
    static func request(_ body: JSONValue) throws -> (request: ChatRequest, stream: Bool, conversationID: String?) {
        guard case .object = body else { throw APIError.badRequest("$: expected an object", field: "$") }
        guard let model = body["model"]?.stringValue else { throw APIError.badRequest("$.model: required string", field: "$.model") }
        guard let items = body["messages"]?.arrayValue, !items.isEmpty else { throw APIError.badRequest("$.messages: a non-empty array", field: "$.messages") }
        var turns: [ChatTurn] = []
        for (i, m) in items.enumerated() {
            guard let roleName = m["role"]?.stringValue, let role = ChatRole(rawValue: roleName == "developer" ? "system" : roleName) else {
                throw APIError.badRequest("$.messages[\(i)].role: system, user, assistant or tool", field: "$.messages[\(i)].role")
            }
            let content: String
            switch m["content"] {
            case let .string(s)?: content = s
            case nil, .null?: content = ""
            case let .array(parts)?:
                content = parts.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }.joined(separator: "\n")
            default: throw APIError.badRequest("$.messages[\(i)].content: a string or an array of text parts", field: "$.messages[\(i)].content")
            }
            let calls = (m["tool_calls"]?.arrayValue ?? []).compactMap { c -> ToolCall? in
                guard let id = c["id"]?.stringValue, let f = c["function"], let name = f["name"]?.stringValue else { return nil }
                return ToolCall(id: id, name: name, arguments: f["arguments"]?.stringValue ?? "{}")
            }
            turns.append(ChatTurn(role: role, content: content, toolCalls: calls, toolCallID: m["tool_call_id"]?.stringValue, name: m["name"]?.stringValue))
        }
        let tools = try (body["tools"]?.arrayValue ?? []).enumerated().map { i, t -> ToolSpec in
            guard let f = t["function"], let name = f["name"]?.stringValue else {
                throw APIError.badRequest("$.tools[\(i)].function.name: required", field: "$.tools[\(i)].function.name")
            }
            return ToolSpec(name: name, description: f["description"]?.stringValue ?? "", parameters: f["parameters"] ?? .object([JSONMember]()))
        }
        let maxTokens = body["max_completion_tokens"]?.intValue ?? body["max_tokens"]?.intValue
        if let m = maxTokens, m < 1 { throw APIError.badRequest("$.max_tokens: a positive integer", field: "$.max_tokens") }
        let request = ChatRequest(model: model, messages: turns, temperature: body["temperature"]?.doubleValue, topP: body["top_p"]?.doubleValue,
                                  maxTokens: maxTokens, tools: tools)
        return (request, body["stream"]?.boolValue ?? false, body["conversation_id"]?.stringValue)
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

    /// A whole completion.
    static func completion(id: String, model: String, created: Int64, content: String, toolCalls calls: [ToolCall], finish: String,
                           usage u: TokenUsage, extra: [(String, JSONValue?)] = []) -> JSONValue {
        let message = JSONValue.object([("role", .string("assistant")), ("content", .string(content)), ("tool_calls", toolCalls(calls))])
        return .object([("id", .string(id)), ("object", .string("chat.completion")), ("created", .int(created)), ("model", .string(model)),
                        ("choices", .array([.object([("index", .int(0)), ("message", message), ("finish_reason", .string(finish))])])),
                        ("usage", usage(u))] + extra)
    }

    /// One `chat.completion.chunk`.
    static func chunk(id: String, model: String, created: Int64, delta: JSONValue, finish: String?, usage u: TokenUsage? = nil) -> JSONValue {
        .object([("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .int(created)), ("model", .string(model)),
                 ("choices", .array([.object([("index", .int(0)), ("delta", delta), ("finish_reason", finish.map(JSONValue.string) ?? .null)])])),
                 ("usage", u.map(usage) ?? .null)])
    }

    static func newID() -> String { "chatcmpl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24) }
}
