import Foundation
import TroveRemote

/// Settings of the chat services, from (strongest first) flags, the environment, a
/// settings file, and defaults. The names: `TROVE_LLM_PROVIDER` (`openai | ollama |
/// anthropic`; file `llm.provider`), `TROVE_LLM_URL` (`llm.url`), `TROVE_LLM_MODEL`
/// (`llm.model`), `TROVE_LLM_API_KEY` (`llm.api_key`), `TROVE_EMBEDDER` (`embedder.name`:
/// `minilm` or an http(s) URL) with `TROVE_EMBEDDER_MODEL` (`embedder.model`). The default
/// for an offline node is Ollama at http://127.0.0.1:11434.
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
    /// The settings file read, if any.
    public var configPath: String?

    public init() {}

    /// Flags as given on the command line (nil: not given).
    public struct Flags: Sendable {
        public var provider, url, model, apiKey, embedder, embedderModel, modelDirectory, config: String?
        public init(provider: String? = nil, url: String? = nil, model: String? = nil, apiKey: String? = nil, embedder: String? = nil,
                    embedderModel: String? = nil, modelDirectory: String? = nil, config: String? = nil) {
            (self.provider, self.url, self.model, self.apiKey) = (provider, url, model, apiKey)
            (self.embedder, self.embedderModel, self.modelDirectory, self.config) = (embedder, embedderModel, modelDirectory, config)
        }
    }

    /// Resolves the settings. The file is `flags.config`, else `$TROVE_CONFIG`, else the
    /// first of `<data>/trove.toml`, `<data>/trove.json`, `./trove.toml`, `./trove.json`.
    public static func resolve(flags: Flags = Flags(), dataFolder: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ChatSettings {
        func env(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        var s = ChatSettings()
        var candidates: [String] = []
        if let explicit = flags.config ?? env("TROVE_CONFIG") {
            candidates = [explicit]
            guard FileManager.default.fileExists(atPath: explicit) else { throw ConfigFile.Failure.unreadable(path: explicit) }
        } else {
            if let d = dataFolder { candidates += [d + "/trove.toml", d + "/trove.json"] }
            candidates += ["trove.toml", "trove.json"]
        }
        let file = try candidates.first { FileManager.default.fileExists(atPath: $0) }.map(ConfigFile.load)
        s.configPath = file?.path
        let providerName = try flags.provider ?? env("TROVE_LLM_PROVIDER") ?? file?.string("llm.provider")
        if let providerName {
            guard let kind = ChatProviderKind(rawValue: providerName.lowercased()) else {
                throw ChatModelError.notConfigured("unknown chat provider '\(providerName)' (TROVE_LLM_PROVIDER / --llm-provider / llm.provider): use openai, ollama or anthropic")
            }
            s.provider = kind
        }
        s.llmURL = try flags.url ?? env("TROVE_LLM_URL") ?? file?.string("llm.url")
        s.llmModel = try flags.model ?? env("TROVE_LLM_MODEL") ?? file?.string("llm.model")
        s.llmAPIKey = try flags.apiKey ?? env("TROVE_LLM_API_KEY") ?? file?.string("llm.api_key")
        s.llmTimeoutSeconds = try file?.int("llm.timeout_seconds") ?? s.llmTimeoutSeconds
        var embedder = EmbedderSettings.resolve(embedder: flags.embedder, model: flags.embedderModel, modelDirectory: flags.modelDirectory,
                                                environment: environment)
        if flags.embedder == nil, env("TROVE_EMBEDDER") == nil, let name = try file?.string("embedder.name") { embedder.embedder = name }
        if flags.embedderModel == nil, env("TROVE_EMBEDDER_MODEL") == nil, let m = try file?.string("embedder.model") { embedder.model = m }
        s.embedder = embedder
        s.maxUploadBytes = try file?.int("files.max_upload_bytes") ?? s.maxUploadBytes
        s.chunkTokens = try file?.int("ingestion.chunk_tokens") ?? s.chunkTokens
        s.chunkOverlapTokens = try file?.int("ingestion.chunk_overlap_tokens") ?? s.chunkOverlapTokens
        s.responseCacheSeconds = try file?.int("cache.response_ttl_seconds") ?? s.responseCacheSeconds
        s.embeddingCacheEntries = try file?.int("cache.embedding_entries") ?? s.embeddingCacheEntries
        return s
    }

    /// The chat models these settings name.
    public var registry: ChatModelRegistry {
        ChatModelRegistry(default: .init(kind: provider, baseURL: llmURL, apiKey: llmAPIKey, model: llmModel),
                          call: HTTPCall(timeout: .seconds(llmTimeoutSeconds), retries: 2))
    }
}
