import TroveJSON

/// The shape an answer must take (OpenAI's `response_format`).
public enum ResponseFormat: Sendable, Equatable {
    /// Free text: what every provider gives without being asked.
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON valid under `schema` (a JSON Schema), named `name`; `strict` as OpenAI's flag.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool?)
}

/// Whether and which tool the model must call (OpenAI's `tool_choice`).
public enum ToolChoice: Sendable, Equatable {
    /// The model decides (every provider's default when tools are offered).
    case auto
    /// No tool call, even when tools are offered.
    case none
    /// Some tool call.
    case required
    /// A call of the tool named.
    case function(String)
}

/// Sampling and shaping options beyond temperature and top-p. A provider that cannot
/// honour one that is set refuses the request (`ChatModel.check`) rather than
/// dropping it, so a caller never gets an answer made without the options it asked for.
public struct ChatOptions: Sendable, Equatable {
    /// Up to 4 strings at which generation stops (the string itself is not returned).
    public var stop: [String] = []
    public var seed: Int64?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var responseFormat: ResponseFormat?
    public var toolChoice: ToolChoice?
    /// The end user on whose behalf the call is made, for the provider's abuse checks.
    public var user: String?

    public init() {}

    /// Whether any option is set.
    public var isEmpty: Bool { self == ChatOptions() }
}

extension ChatOptions {
    /// The error for an option `provider` has no way to honour.
    static func unsupported(_ field: String, by provider: String, _ detail: String = "") -> ChatError {
        .invalid(field: "$." + field, reason: "the \(provider) provider cannot honour it\(detail.isEmpty ? "" : " (" + detail + ")"); leave it out")
    }

    /// OpenAI's JSON for a response format.
    static func openAIValue(_ format: ResponseFormat) -> JSONValue {
        switch format {
        case .text: return .object([("type", .string("text"))])
        case .jsonObject: return .object([("type", .string("json_object"))])
        case let .jsonSchema(name, schema, strict):
            return .object([("type", .string("json_schema")),
                            ("json_schema", .object([("name", .string(name)), ("schema", schema), ("strict", strict.map(JSONValue.bool))]))])
        }
    }

    /// OpenAI's JSON for a tool choice.
    static func openAIValue(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: return .string("auto")
        case .none: return .string("none")
        case .required: return .string("required")
        case let .function(name): return .object([("type", .string("function")), ("function", .object([("name", .string(name))]))])
        }
    }
}
