import TroveJSON

/// Who wrote a turn of a chat.
public enum ChatRole: String, Sendable, Equatable, Codable {
    case system, user, assistant, tool
}

/// A function call the model asked for, in OpenAI's tool-call shape: `arguments` is the
/// JSON text the model wrote (not necessarily valid JSON: tools check it).
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// One turn sent to or received from a chat model.
public struct ChatTurn: Sendable, Equatable {
    public var role: ChatRole
    public var content: String
    /// The calls an assistant turn asked for.
    public var toolCalls: [ToolCall]
    /// On a tool turn: the id of the call it answers.
    public var toolCallID: String?
    /// On a tool turn: the tool's name (Ollama and some servers want it).
    public var name: String?

    public init(role: ChatRole, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, name: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    public static func system(_ text: String) -> ChatTurn { ChatTurn(role: .system, content: text) }
    public static func user(_ text: String) -> ChatTurn { ChatTurn(role: .user, content: text) }
    public static func assistant(_ text: String, toolCalls: [ToolCall] = []) -> ChatTurn {
        ChatTurn(role: .assistant, content: text, toolCalls: toolCalls)
    }
    public static func tool(_ text: String, callID: String, name: String) -> ChatTurn {
        ChatTurn(role: .tool, content: text, toolCallID: callID, name: name)
    }
}

/// A tool the model may call: a name, what it does, and its arguments as a JSON Schema.
public struct ToolSpec: Sendable, Equatable {
    public var name: String
    public var description: String
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// Tokens of one model call. `estimated` when the provider reported none and they were
/// counted here with a tokenizer.
public struct TokenUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public var estimated: Bool

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil, estimated: Bool = false) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.estimated = estimated
    }

    public static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)

    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens,
                   totalTokens: a.totalTokens + b.totalTokens, estimated: a.estimated || b.estimated)
    }
}

/// What is asked of a chat model.
public struct ChatRequest: Sendable, Equatable {
    public var model: String
    public var messages: [ChatTurn]
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var tools: [ToolSpec]
    /// Stop strings, seed, penalties, response format, tool choice and end user.
    public var options: ChatOptions

    public init(model: String, messages: [ChatTurn], temperature: Double? = nil, topP: Double? = nil,
                maxTokens: Int? = nil, tools: [ToolSpec] = [], options: ChatOptions = ChatOptions()) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.tools = tools
        self.options = options
    }
}

/// A model's whole answer.
public struct ChatCompletion: Sendable, Equatable {
    public var model: String
    public var content: String
    public var toolCalls: [ToolCall]
    /// nil when the provider reported no usage.
    public var usage: TokenUsage?
    /// In OpenAI's words: `stop`, `length`, `tool_calls` (providers' own words are mapped).
    public var finishReason: String

    public init(model: String, content: String, toolCalls: [ToolCall] = [], usage: TokenUsage? = nil, finishReason: String = "stop") {
        self.model = model
        self.content = content
        self.toolCalls = toolCalls
        self.usage = usage
        self.finishReason = finishReason
    }
}

/// One event of a streamed answer: text as it comes, then the whole completion (text
/// joined, tool calls assembled from their fragments, usage if reported) exactly once, last.
public enum ChatStreamEvent: Sendable, Equatable {
    case delta(String)
    case done(ChatCompletion)
}

/// A chat model behind some provider's API.
public protocol ChatModel: Sendable {
    /// `openai`, `ollama` or `anthropic`.
    var provider: String { get }
    /// The base URL requests go to (for messages that say what to configure).
    var baseURL: String { get }
    /// Refuses a request with an option this provider cannot honour (`ChatError.invalid`
    /// naming the field), before anything is sent.
    func check(_ request: ChatRequest) throws(ChatError)
    func complete(_ request: ChatRequest) async throws -> ChatCompletion
    /// The answer as it is generated. The stream throws `ChatModelError` on failure.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error>
    /// The model ids the provider offers.
    func models() async throws -> [String]
}
