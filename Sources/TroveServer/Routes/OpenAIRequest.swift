import TroveChat
import TroveJSON

/// One `/v1/chat/completions` call as read from its body: the chat request and how the
/// answer is to be delivered.
struct OpenAIRequest {
    var chat: ChatRequest
    var stream: Bool
    /// `stream_options.include_usage`: the stream ends with a usage chunk (`choices: []`)
    /// and every chunk carries `usage: null` before it, as OpenAI does.
    var includeUsage: Bool
    /// `n`, 1 to `CompletionService.maxChoices`.
    var choices: Int
    var conversationID: String?
}

extension OpenAIWire {
    /// The members OpenAI defines that Trove cannot honour: any value other than their
    /// off state is a 400 rather than an answer made without them.
    static let refusedMembers: [(key: String, isOff: @Sendable (JSONValue) -> Bool)] = [
        ("logprobs", { $0 == .bool(false) }),
        ("top_logprobs", { _ in false }),
        ("logit_bias", { $0 == .object([JSONMember]()) }),
        ("audio", { _ in false }),
        ("prediction", { _ in false }),
    ]

    /// `stop`, `seed`, the penalties, `response_format`, `tool_choice` and `user`.
    static func options(_ input: JSONInput) throws -> ChatOptions {
        var o = ChatOptions()
        switch input.value["stop"] {
        case nil, .null?: break
        case let .string(s)?: o.stop = [s]
        case .array?:
            o.stop = try input.strings("stop") ?? []
            guard o.stop.count <= 4 else { throw APIError.badRequest("$.stop: at most 4 strings", field: "$.stop") }
        default: throw APIError.badRequest("$.stop: a string or an array of up to 4 strings", field: "$.stop")
        }
        if o.stop.contains("") { throw APIError.badRequest("$.stop: stop strings must not be empty", field: "$.stop") }
        if let seed = try input.int("seed") { o.seed = Int64(seed) }
        o.presencePenalty = try input.double("presence_penalty", in: -2...2)
        o.frequencyPenalty = try input.double("frequency_penalty", in: -2...2)
        o.user = try input.string("user", maxLength: 256)
        if let format = try input.object("response_format") { o.responseFormat = try responseFormat(format) }
        o.toolChoice = try toolChoice(input)
        for (key, isOff) in refusedMembers {
            if let v = input.value[key], v != .null, !isOff(v) {
                throw APIError.badRequest("$.\(key): not supported by this server; leave it out", field: "$.\(key)")
            }
        }
        return o
    }

    private static func responseFormat(_ f: JSONInput) throws -> ResponseFormat {
        switch try f.requiredString("type") {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard let spec = try f.object("json_schema") else { throw APIError.badRequest("\(f.path(of: "json_schema")): required", field: f.path(of: "json_schema")) }
            guard let schema = try spec.object("schema") else {
                throw APIError.badRequest("\(spec.path(of: "schema")): a JSON Schema object is required", field: spec.path(of: "schema"))
            }
            return .jsonSchema(name: try spec.requiredString("name", maxLength: 64), schema: schema.value, strict: try spec.bool("strict"))
        default:
            throw APIError.badRequest("\(f.path(of: "type")): text, json_object or json_schema", field: f.path(of: "type"))
        }
    }

    private static func toolChoice(_ input: JSONInput) throws -> ToolChoice? {
        switch input.value["tool_choice"] {
        case nil, .null?: return nil
        case .string("auto")?: return .auto
        case .string("none")?: return ToolChoice.none
        case .string("required")?: return .required
        case .object?:
            guard let choice = try input.object("tool_choice"), let f = try choice.object("function") else {
                throw APIError.badRequest("$.tool_choice.function: required", field: "$.tool_choice.function")
            }
            return .function(try f.requiredString("name"))
        default:
            throw APIError.badRequest("$.tool_choice: auto, none, required or {\"type\": \"function\", \"function\": {\"name\": …}}", field: "$.tool_choice")
        }
    }
}
