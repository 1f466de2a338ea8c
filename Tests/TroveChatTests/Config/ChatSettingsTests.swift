import Foundation
import Testing
import TroveTestSupport
@testable import TroveChat

@Suite struct ChatSettingsTests {
    @Test func defaultsAreOllamaOnLoopback() throws {
        let s = try ChatSettings.resolve(dataFolder: TempDirectory().path, environment: [:])
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
        let fromFile = try ChatSettings.resolve(dataFolder: dir.path, environment: [:])
        #expect(fromFile.provider == .anthropic && fromFile.llmURL == "http://file.example:1" && fromFile.llmModel == "file-model")
        #expect(fromFile.llmAPIKey == "file-key" && fromFile.llmTimeoutSeconds == 30 && fromFile.maxUploadBytes == 1000)
        #expect(fromFile.embedder.embedder == "http://embed.example/v1" && fromFile.embedder.model == "file-embed")
        let env = ["TROVE_LLM_PROVIDER": "openai", "TROVE_LLM_MODEL": "env-model", "TROVE_EMBEDDER": "minilm"]
        let fromEnv = try ChatSettings.resolve(dataFolder: dir.path, environment: env)
        #expect(fromEnv.provider == .openai && fromEnv.llmModel == "env-model" && fromEnv.llmURL == "http://file.example:1")
        #expect(fromEnv.embedder.embedder == "minilm")
        let fromFlags = try ChatSettings.resolve(flags: .init(provider: "ollama", model: "flag-model"), dataFolder: dir.path, environment: env)
        #expect(fromFlags.provider == .ollama && fromFlags.llmModel == "flag-model")
    }

    @Test func jsonFileAndBadSettingsAreReported() throws {
        let dir = TempDirectory()
        try #"{"llm": {"provider": "openai", "model": "j"}, "cache": {"response_ttl_seconds": 60}}"#
            .write(toFile: dir.sub("trove.json"), atomically: true, encoding: .utf8)
        let s = try ChatSettings.resolve(dataFolder: dir.path, environment: [:])
        #expect(s.provider == .openai && s.llmModel == "j" && s.responseCacheSeconds == 60)
        #expect(throws: ChatModelError.self) { try ChatSettings.resolve(dataFolder: dir.path, environment: ["TROVE_LLM_PROVIDER": "skynet"]) }
        try "[llm]\nprovider = [1, 2]\n".write(toFile: dir.sub("bad.toml"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigFile.Failure.syntax(path: dir.sub("bad.toml"), line: 2, reason: "unsupported value (use a string, number or true/false)")) {
            try ChatSettings.resolve(flags: .init(config: dir.sub("bad.toml")), environment: [:])
        }
        try #"{"llm": {"provider": "openai",}"#.write(toFile: dir.sub("bad.json"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigFile.Failure.self) { try ChatSettings.resolve(flags: .init(config: dir.sub("bad.json")), environment: [:]) }
        try "[llm\nprovider = \"x\"\n".write(toFile: dir.sub("section.toml"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigFile.Failure.syntax(path: dir.sub("section.toml"), line: 1, reason: "expected [section]")) {
            try ChatSettings.resolve(flags: .init(config: dir.sub("section.toml")), environment: [:])
        }
        #expect(throws: ConfigFile.Failure.unreadable(path: dir.sub("none.toml"))) {
            try ChatSettings.resolve(flags: .init(config: dir.sub("none.toml")), environment: [:])
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
                try ChatSettings.resolve(flags: .init(config: path), environment: [:])
            }
        }
        try "[llm]\nmodel = 7\n[cache]\nembedding_entries = 5\n".write(toFile: dir.sub("ok.toml"), atomically: true, encoding: .utf8)
        let s = try ChatSettings.resolve(flags: .init(config: dir.sub("ok.toml")), environment: [:])
        #expect(s.llmModel == "7" && s.embeddingCacheEntries == 5)
    }
}
