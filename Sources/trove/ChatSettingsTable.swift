import Foundation
import TroveChat
import TroveRemote

/// The chat services' settings table: each setting's flag, environment variable,
/// settings-file key and default, resolved through `SettingSources` in that order. The
/// README's settings table lists the same rows.
extension ChatOptions {
    /// The sources this command reads: its flags, the environment, and the settings file
    /// (`--config`, `$TROVE_CONFIG`, or `trove.toml` in the data folder or here).
    func settingSources(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SettingSources {
        try SettingSources.locate(configFlag: config, dataFolder: data, environment: environment)
    }

    /// The chat settings from `from`; a wrong value names its source.
    func chatSettings(from: SettingSources) throws -> ChatSettings {
        var s = ChatSettings()
        let providerName = try from.string(llmProvider, "TROVE_LLM_PROVIDER", "llm.provider", default: s.provider.rawValue)
        guard let kind = ChatProviderKind(rawValue: providerName.lowercased()) else {
            throw CLIError("unknown chat provider '\(providerName)' (--llm-provider / TROVE_LLM_PROVIDER / llm.provider): use openai, ollama or anthropic")
        }
        s.provider = kind
        s.llmURL = try from.optionalString(llmURL, "TROVE_LLM_URL", "llm.url")
        s.llmModel = try from.optionalString(llmModel, "TROVE_LLM_MODEL", "llm.model")
        s.llmAPIKey = try from.optionalString(llmAPIKey, "TROVE_LLM_API_KEY", "llm.api_key")
        s.llmTimeoutSeconds = try from.int(nil, "TROVE_LLM_TIMEOUT", "llm.timeout_seconds", default: s.llmTimeoutSeconds)
        s.embedder = try embedder.settings(from: from)
        s.maxUploadBytes = try from.int(nil, "TROVE_MAX_UPLOAD_BYTES", "files.max_upload_bytes", default: s.maxUploadBytes)
        s.chunkTokens = try from.int(nil, "TROVE_CHUNK_TOKENS", "ingestion.chunk_tokens", default: s.chunkTokens)
        s.chunkOverlapTokens = try from.int(nil, "TROVE_CHUNK_OVERLAP_TOKENS", "ingestion.chunk_overlap_tokens", default: s.chunkOverlapTokens)
        s.responseCacheSeconds = try from.int(nil, "TROVE_RESPONSE_CACHE_SECONDS", "cache.response_ttl_seconds", default: s.responseCacheSeconds)
        s.embeddingCacheEntries = try from.int(nil, "TROVE_EMBEDDING_CACHE_ENTRIES", "cache.embedding_entries", default: s.embeddingCacheEntries)
        s.sessionTTLSeconds = try from.int(nil, "TROVE_SESSION_TTL_SECONDS", "sessions.ttl_seconds", default: s.sessionTTLSeconds)
        // The splitter checks the chunk sizes itself, with a message that says why.
        guard s.llmTimeoutSeconds >= 1, s.maxUploadBytes >= 1, s.responseCacheSeconds >= 0, s.embeddingCacheEntries >= 1 else {
            throw CLIError("llm.timeout_seconds, files.max_upload_bytes and cache.embedding_entries must be positive, cache.response_ttl_seconds 0 or more")
        }
        guard GuidedSessionService.ttlRange.contains(s.sessionTTLSeconds) else {
            throw CLIError("sessions.ttl_seconds (TROVE_SESSION_TTL_SECONDS) must be in \(GuidedSessionService.ttlRange.lowerBound)...\(GuidedSessionService.ttlRange.upperBound)")
        }
        return s
    }
}

extension EmbedderOptions {
    /// The embedder settings from `from`. The API key falls back to the chat provider's:
    /// one key for one OpenAI account is the common case.
    func settings(from: SettingSources) throws -> EmbedderSettings {
        let key = try from.optionalString(nil, "TROVE_EMBEDDER_API_KEY", "embedder.api_key")
        return EmbedderSettings(
            embedder: try from.string(embedder, "TROVE_EMBEDDER", "embedder.name", default: "minilm"),
            model: try from.optionalString(model, "TROVE_EMBEDDER_MODEL", "embedder.model"),
            modelDirectory: modelDir,
            searchDirectory: try from.optionalString(nil, "TROVE_MODELS", "embedder.models"),
            apiKey: try key ?? from.optionalString(nil, "TROVE_LLM_API_KEY", "llm.api_key"))
    }
}
