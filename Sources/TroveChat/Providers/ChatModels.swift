import TroveRemote

/// The chat APIs Trove speaks, by the name settings use for them.
public enum ChatProviderKind: String, Sendable, CaseIterable {
    /// OpenAI's chat completions, also served by vLLM, llama.cpp, LM Studio and Ollama's `/v1`.
    case openai
    /// Ollama's native `/api/chat`.
    case ollama
    /// Anthropic's Messages API.
    case anthropic

    /// Where the provider answers when no URL is configured.
    public var defaultBaseURL: String {
        switch self {
        case .openai: return "https://api.openai.com/v1"
        case .ollama: return "http://127.0.0.1:11434"
        case .anthropic: return "https://api.anthropic.com"
        }
    }
}

/// Makes chat model clients from settings.
public enum ChatModels {
    /// The client for `provider` at `baseURL` (its default when nil or empty), sending
    /// `apiKey` the way the provider expects it.
    public static func make(provider: ChatProviderKind, baseURL: String?, apiKey: String?, call: HTTPCall = HTTPCall()) -> any ChatModel {
        let base = (baseURL?.isEmpty == false ? baseURL : nil) ?? provider.defaultBaseURL
        switch provider {
        case .openai: return OpenAIChatModel(baseURL: base, apiKey: apiKey, call: call)
        case .ollama: return OllamaChatModel(baseURL: base, apiKey: apiKey, call: call)
        case .anthropic: return AnthropicChatModel(baseURL: base, apiKey: apiKey, call: call)
        }
    }
}
