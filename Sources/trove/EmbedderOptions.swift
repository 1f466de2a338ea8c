import ArgumentParser
import TroveEmbed
import TroveRemote

/// The flags that choose an embedder; each falls back to its environment variable.
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: "minilm (native, the default) or the URL of an embeddings API (env TROVE_EMBEDDER).")
    var embedder: String?

    @Option(name: .long, help: "The model: a native model folder's name (default all-MiniLM-L6-v2) or a remote model id (env TROVE_EMBEDDER_MODEL).")
    var model: String?

    @Option(name: .customLong("model-dir"), help: "A folder of models, or one model folder (also TROVE_MODELS; default ./models).")
    var modelDir: String?

    var settings: EmbedderSettings {
        EmbedderSettings.resolve(embedder: embedder, model: model, modelDirectory: modelDir)
    }

    /// The embedder these flags name, or a CLIError that says what to install or set.
    func make(batchSize: Int = 32) async throws -> any Embedder {
        do {
            let settings = self.settings
            if !settings.isRemote, ["minilm", "native"].contains(settings.embedder.lowercased()) {
                let catalog = ModelCatalog(modelDirectory: settings.modelDirectory)
                return try catalog.load(settings.model ?? ModelCatalog.defaultModel, batchSize: batchSize)
            }
            return try await settings.make()
        } catch let error as EmbedderError {
            throw CLIError(error.description)
        }
    }
}
