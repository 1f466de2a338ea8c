import TroveRemote

/// The chat models the services may call: the configured default provider and any other
/// provider an agent names, each with its URL, key and default model.
public struct ChatModelRegistry: Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var kind: ChatProviderKind
        public var baseURL: String?
        public var apiKey: String?
        public var model: String?

        public init(kind: ChatProviderKind, baseURL: String? = nil, apiKey: String? = nil, model: String? = nil) {
            self.kind = kind
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
        }
    }

    public var defaultKind: ChatProviderKind
    public var endpoints: [ChatProviderKind: Endpoint]
    public var call: HTTPCall

    public init(default endpoint: Endpoint, others: [Endpoint] = [], call: HTTPCall = HTTPCall(timeout: .seconds(120), retries: 2)) {
        defaultKind = endpoint.kind
        var all: [ChatProviderKind: Endpoint] = [:]
        for e in others { all[e.kind] = e }
        all[endpoint.kind] = endpoint
        endpoints = all
        self.call = call
    }

    /// The model for an agent's provider and model settings (nil: the defaults). An agent
    /// with its own `baseURL` is called there with its own `apiKey` only: the server's key
    /// never goes to an address a user chose. Without one, the agent's key (if any) replaces
    /// the server's for the provider's configured (or public) endpoint.
    public func resolve(provider: String?, model: String?, baseURL: String? = nil, apiKey: String? = nil) throws(ChatModelError) -> (model: any ChatModel, name: String) {
        let kind: ChatProviderKind
        if let provider {
            guard let k = ChatProviderKind(rawValue: provider) else { throw .notConfigured("unknown chat provider '\(provider)': use openai, ollama or anthropic") }
            kind = k
        } else {
            kind = defaultKind
        }
        let endpoint = endpoints[kind] ?? Endpoint(kind: kind)
        let name = model ?? endpoint.model ?? kind.fallbackModel
        let key = baseURL == nil ? apiKey ?? endpoint.apiKey : apiKey
        return (ChatModels.make(provider: kind, baseURL: baseURL ?? endpoint.baseURL, apiKey: key, call: call), name)
    }
}

extension ChatProviderKind {
    /// The model asked for when neither the agent nor the settings name one.
    public var fallbackModel: String {
        switch self {
        case .openai: return "gpt-4o-mini"
        case .ollama: return "llama3.2"
        case .anthropic: return "claude-3-5-haiku-latest"
        }
    }
}
