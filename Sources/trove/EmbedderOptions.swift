import ArgumentParser
import Foundation
import TroveEmbed
import TroveRemote

/// The flags that choose an embedder; each falls back to its environment variable and,
/// in commands that open a data folder, to the settings file (`ChatSettingsTable`).
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: "minilm (native, the default) or the URL of an embeddings API (env TROVE_EMBEDDER).")
    var embedder: String?

    @Option(name: .long, help: "The model: a native model folder's name (default all-MiniLM-L6-v2) or a remote model id (env TROVE_EMBEDDER_MODEL).")
    var model: String?

    @Option(name: .customLong("model-dir"), help: "A folder of models, or one model folder (also TROVE_MODELS; default ./models).")
    var modelDir: String?

    /// The embedder these flags and `sources` name (by default the environment alone),
    /// or a CLIError that says what to install or set.
    func make(batchSize: Int = 32, sources: SettingSources? = nil) async throws -> any Embedder {
        let from = sources ?? SettingSources(environment: ProcessInfo.processInfo.environment, file: nil)
        return try await make(settings(from: from), batchSize: batchSize)
    }

    /// The embedder `settings` name, with failures as CLI messages.
    func make(_ settings: EmbedderSettings, batchSize: Int = 32) async throws -> any Embedder {
        do {
            return try await settings.make(batchSize: batchSize)
        } catch let error as EmbedderError {
            throw CLIError(error.description)
        }
    }
}

/// Where the commands that name only a model folder look for it: `--model-dir`, then
/// `$TROVE_MODELS`, then `./models`.
func modelCatalog(modelDir: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> ModelCatalog {
    ModelCatalog(modelDirectory: modelDir, searchDirectory: environment["TROVE_MODELS"])
}
