import Foundation
import TroveRemote

/// Settings of the chat services, as plain values. Where each comes from (a flag, the
/// environment, the settings file) is decided by the composition root, the `trove`
/// command; the defaults here are those of an offline node: Ollama at
/// http://127.0.0.1:11434 and the native MiniLM embedder.
public struct ChatSettings: Sendable, Equatable {
    public var provider: ChatProviderKind = .ollama
    public var llmURL: String?
    public var llmModel: String?
    public var llmAPIKey: String?
    public var llmTimeoutSeconds = 120
    public var embedder = EmbedderSettings()
    public var maxUploadBytes = 50 << 20
    public var chunkTokens = 256
    public var chunkOverlapTokens = 32
    /// Seconds a response stays cached; 0 turns the response cache off.
    public var responseCacheSeconds = 0
    public var embeddingCacheEntries = 10_000
    /// Idle seconds before an active guided session is abandoned (a session may ask for its own).
    public var sessionTTLSeconds = 3_600
    public init() {}

    /// The chat models these settings name.
    public var registry: ChatModelRegistry {
        ChatModelRegistry(default: .init(kind: provider, baseURL: llmURL, apiKey: llmAPIKey, model: llmModel),
                          call: HTTPCall(timeout: .seconds(llmTimeoutSeconds), retries: 2))
    }
}
