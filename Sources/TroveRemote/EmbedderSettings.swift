import TroveEmbed
import Foundation

/// Which embedder to use, as flags and environment name it:
/// `TROVE_EMBEDDER` is `minilm` (the native model, the default) or an http(s) URL of an
/// embeddings API; `TROVE_EMBEDDER_MODEL` names the model (the native folder name, or the
/// remote model id); `TROVE_EMBEDDER_API_KEY` (falling back to `TROVE_LLM_API_KEY`) is sent
/// as a bearer token; `TROVE_MODELS` is where native models are looked for.
public struct EmbedderSettings: Sendable, Equatable {
    public var embedder: String
    public var model: String?
    public var modelDirectory: String?
    public var apiKey: String?

    public init(embedder: String = "minilm", model: String? = nil, modelDirectory: String? = nil, apiKey: String? = nil) {
        self.embedder = embedder
        self.model = model
        self.modelDirectory = modelDirectory
        self.apiKey = apiKey
    }

    /// Settings from the environment, each overridden by the flag given (non-nil).
    public static func resolve(embedder: String? = nil, model: String? = nil, modelDirectory: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> EmbedderSettings {
        func env(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        return EmbedderSettings(
            embedder: embedder ?? env("TROVE_EMBEDDER") ?? "minilm",
            model: model ?? env("TROVE_EMBEDDER_MODEL"),
            modelDirectory: modelDirectory,
            apiKey: env("TROVE_EMBEDDER_API_KEY") ?? env("TROVE_LLM_API_KEY")
        )
    }

    /// Whether these settings name a remote API rather than a native model.
    public var isRemote: Bool { embedder.hasPrefix("http://") || embedder.hasPrefix("https://") }

    /// Loads the native model or connects to the remote one.
    public func make(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> any Embedder {
        if isRemote {
            guard let model, !model.isEmpty else {
                throw EmbedderError.remoteModelMissing(url: embedder)
            }
            return try await RemoteEmbedder.connect(url: embedder, model: model, apiKey: apiKey)
        }
        guard ["minilm", "native"].contains(embedder.lowercased()) else { throw EmbedderError.unknownEmbedder(embedder) }
        let catalog = ModelCatalog(modelDirectory: modelDirectory, environment: environment)
        return try catalog.load(model ?? ModelCatalog.defaultModel)
    }
}
