import Foundation
import Testing
import TroveChat
import TroveRemote
import TroveTestSupport
@testable import trove

/// The chat settings table of the composition root: flags beat the environment, which
/// beats the settings file, which beats the defaults; a wrong value names its source.
@Suite struct ChatSettingsTableTests {
    /// The chat settings `trove chat <arguments>` would use, with `environment` only.
    static func resolve(_ arguments: [String] = [], dataFolder: String? = nil, config: String? = nil,
                        environment: [String: String] = [:]) throws -> ChatSettings {
        var args = arguments
        if let dataFolder { args += ["--data", dataFolder] }
        if let config { args += ["--config", config] }
        let options = try ChatOptions.parse(args)
        return try options.chatSettings(from: options.settingSources(environment: environment))
    }

    @Test func defaultsAreOllamaOnLoopback() throws {
        let s = try Self.resolve(dataFolder: TempDirectory().path, environment: [:])
        #expect(s.provider == .ollama && s.llmURL == nil && s.embedder.embedder == "minilm")
        let (model, name) = try s.registry.resolve(provider: nil, model: nil)
        #expect(model.provider == "ollama" && model.baseURL.hasPrefix("http://127.0.0.1:11434") && name == "llama3.2")
    }

    @Test func flagsBeatEnvironmentBeatFile() throws {
        let dir = TempDirectory()
        try """
        # settings
        [llm]
        provider = "anthropic"
        url = "http://file.example:1"   # trailing comment
        model = 'file-model'
        api_key = "file-key"
        timeout_seconds = 30
        [embedder]
        name = "http://embed.example/v1"
        model = "file-embed"
        [files]
        max_upload_bytes = 1_000
        """.write(toFile: dir.sub("trove.toml"), atomically: true, encoding: .utf8)
        let fromFile = try Self.resolve(dataFolder: dir.path, environment: [:])
        #expect(fromFile.provider == .anthropic && fromFile.llmURL == "http://file.example:1" && fromFile.llmModel == "file-model")
        #expect(fromFile.llmAPIKey == "file-key" && fromFile.llmTimeoutSeconds == 30 && fromFile.maxUploadBytes == 1000)
        #expect(fromFile.embedder.embedder == "http://embed.example/v1" && fromFile.embedder.model == "file-embed")
        let env = ["TROVE_LLM_PROVIDER": "openai", "TROVE_LLM_MODEL": "env-model", "TROVE_EMBEDDER": "minilm"]
        let fromEnv = try Self.resolve(dataFolder: dir.path, environment: env)
        #expect(fromEnv.provider == .openai && fromEnv.llmModel == "env-model" && fromEnv.llmURL == "http://file.example:1")
        #expect(fromEnv.embedder.embedder == "minilm")
        let fromFlags = try Self.resolve(["--llm-provider", "ollama", "--llm-model", "flag-model"], dataFolder: dir.path, environment: env)
        #expect(fromFlags.provider == .ollama && fromFlags.llmModel == "flag-model")
    }

    @Test func jsonFileAndBadSettingsAreReported() throws {
        let dir = TempDirectory()
        try #"{"llm": {"provider": "openai", "model": "j"}, "cache": {"response_ttl_seconds": 60}}"#
            .write(toFile: dir.sub("trove.json"), atomically: true, encoding: .utf8)
        let s = try Self.resolve(dataFolder: dir.path, environment: [:])
        #expect(s.provider == .openai && s.llmModel == "j" && s.responseCacheSeconds == 60)
        #expect(throws: CLIError.self) { try Self.resolve(dataFolder: dir.path, environment: ["TROVE_LLM_PROVIDER": "skynet"]) }
        try "[llm]\nprovider = [1, 2]\n".write(toFile: dir.sub("bad.toml"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigFile.Failure.syntax(path: dir.sub("bad.toml"), line: 2, reason: "unsupported value (use a string, number or true/false)")) {
            try Self.resolve(config: dir.sub("bad.toml"))
        }
        try #"{"llm": {"provider": "openai",}"#.write(toFile: dir.sub("bad.json"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigFile.Failure.self) { try Self.resolve(config: dir.sub("bad.json")) }
        try "[llm\nprovider = \"x\"\n".write(toFile: dir.sub("section.toml"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigFile.Failure.syntax(path: dir.sub("section.toml"), line: 1, reason: "expected [section]")) {
            try Self.resolve(config: dir.sub("section.toml"))
        }
        #expect(throws: ConfigFile.Failure.unreadable(path: dir.sub("none.toml"))) {
            try Self.resolve(config: dir.sub("none.toml"))
        }
    }

    /// A value of the wrong type names its key; before, `max_upload_bytes = "50MB"` or
    /// `model = true` fell back to the default without a word.
    @Test func wronglyTypedValuesNameTheirKey() throws {
        let dir = TempDirectory()
        let cases: [(String, String, String)] = [
            ("[files]\nmax_upload_bytes = \"50MB\"\n", "files.max_upload_bytes", "an integer"),
            ("[ingestion]\nchunk_tokens = 2.5\n", "ingestion.chunk_tokens", "an integer"),
            ("[llm]\nmodel = true\n", "llm.model", "a string"),
            ("[embedder]\nname = 1.5\n", "embedder.name", "a string"),
        ]
        for (i, (text, key, expected)) in cases.enumerated() {
            let path = dir.sub("t\(i).toml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: ConfigFile.Failure.badValue(path: path, key: key, expected: expected)) {
                try Self.resolve(config: path)
            }
        }
        try "[llm]\nmodel = 7\n[cache]\nembedding_entries = 5\n".write(toFile: dir.sub("ok.toml"), atomically: true, encoding: .utf8)
        let s = try Self.resolve(config: dir.sub("ok.toml"))
        #expect(s.llmModel == "7" && s.embeddingCacheEntries == 5)
    }

    /// Every chat setting the file can hold can also come from the environment, and a
    /// malformed environment value is refused with its name (before, only the provider,
    /// URL, model, key and embedder could, and the others were file-only).
    @Test func environmentReachesEverySetting() throws {
        let env = ["TROVE_LLM_TIMEOUT": "9", "TROVE_MAX_UPLOAD_BYTES": "4096", "TROVE_CHUNK_TOKENS": "64", "TROVE_CHUNK_OVERLAP_TOKENS": "8",
                   "TROVE_RESPONSE_CACHE_SECONDS": "30", "TROVE_EMBEDDING_CACHE_ENTRIES": "7", "TROVE_MODELS": "/opt/models",
                   "TROVE_LLM_API_KEY": "llm-key"]
        let s = try Self.resolve(dataFolder: TempDirectory().path, environment: env)
        #expect(s.llmTimeoutSeconds == 9 && s.maxUploadBytes == 4096 && s.chunkTokens == 64 && s.chunkOverlapTokens == 8)
        #expect(s.responseCacheSeconds == 30 && s.embeddingCacheEntries == 7)
        #expect(s.embedder.searchDirectory == "/opt/models" && s.embedder.apiKey == "llm-key")
        let own = try Self.resolve(dataFolder: TempDirectory().path, environment: env.merging(["TROVE_EMBEDDER_API_KEY": "embed-key"]) { $1 })
        #expect(own.embedder.apiKey == "embed-key")
        #expect(throws: CLIError("TROVE_CHUNK_TOKENS=many: expected an integer")) {
            try Self.resolve(dataFolder: TempDirectory().path, environment: ["TROVE_CHUNK_TOKENS": "many"])
        }
        #expect(throws: CLIError.self) { try Self.resolve(dataFolder: TempDirectory().path, environment: ["TROVE_LLM_TIMEOUT": "0"]) }
    }

    /// The embedder flags beat the environment; the embedder's key falls back to the
    /// chat provider's.
    @Test func embedderFromFlagsAndEnvironment() throws {
        let env = ["TROVE_EMBEDDER": "http://127.0.0.1:9/v1", "TROVE_EMBEDDER_MODEL": "e5", "TROVE_LLM_API_KEY": "k"]
        let fromEnv = try Self.resolve(dataFolder: TempDirectory().path, environment: env).embedder
        #expect(fromEnv == EmbedderSettings(embedder: "http://127.0.0.1:9/v1", model: "e5", apiKey: "k") && fromEnv.isRemote)
        let flags = try Self.resolve(["--embedder", "minilm", "--model", "all-MiniLM-L6-v2", "--model-dir", "/m"],
                                     dataFolder: TempDirectory().path, environment: env).embedder
        #expect(!flags.isRemote && flags.model == "all-MiniLM-L6-v2" && flags.modelDirectory == "/m")
    }

    /// The embedder named in the settings file is the one the services open. Before, the
    /// file's `embedder.name` and `embedder.model` were read into the settings but the
    /// embedder was made from the flags and environment alone, so `trove serve` with
    /// `[embedder] name = "http://…"` in trove.toml quietly loaded MiniLM.
    @Test func theFilesEmbedderIsTheOneOpened() async throws {
        let dir = TempDirectory()
        try "[embedder]\nname = \"word2vec\"\n".write(toFile: dir.sub("trove.toml"), atomically: true, encoding: .utf8)
        let options = try ChatOptions.parse(["--data", dir.sub("data"), "--config", dir.sub("trove.toml")])
        await #expect(throws: CLIError.self) { _ = try await options.open() }
        do {
            let system = try await options.open()
            try system.close()
        } catch let error as CLIError {
            #expect(error.description.contains("word2vec"), "\(error)")
        }
    }
}
