import TroveEmbed
import Foundation

/// Which embedder to use, as plain values (the `trove` command resolves them from its
/// flags, the environment and the settings file): `embedder` is `minilm` (the native
/// model, the default) or an http(s) URL of an embeddings API; `model` names the model
/// (the native folder name, or the remote model id); `apiKey` is sent to a remote API as
/// a bearer token; `modelDirectory` and then `searchDirectory` are where native models
/// are looked for, before `./models`.
public struct EmbedderSettings: Sendable, Equatable {
    public var embedder: String
    public var model: String?
    public var modelDirectory: String?
    public var searchDirectory: String?
    public var apiKey: String?

    public init(embedder: String = "minilm", model: String? = nil, modelDirectory: String? = nil, searchDirectory: String? = nil,
                apiKey: String? = nil) {
        self.embedder = embedder
        self.model = model
        self.modelDirectory = modelDirectory
        self.searchDirectory = searchDirectory
        self.apiKey = apiKey
    }

    /// Where these settings look for native models.
    public var catalog: ModelCatalog { ModelCatalog(modelDirectory: modelDirectory, searchDirectory: searchDirectory) }

    /// Whether these settings name a remote API rather than a native model.
    public var isRemote: Bool { embedder.hasPrefix("http://") || embedder.hasPrefix("https://") }

    /// Loads the native model or connects to the remote one.
    public func make(batchSize: Int = 32) async throws -> any Embedder {
        if isRemote {
            guard let model, !model.isEmpty else {
                throw EmbedderError.remoteModelMissing(url: embedder)
            }
            return try await RemoteEmbedder.connect(url: embedder, model: model, apiKey: apiKey)
        }
        guard ["minilm", "native"].contains(embedder.lowercased()) else { throw EmbedderError.unknownEmbedder(embedder) }
        return try catalog.load(model ?? ModelCatalog.defaultModel, batchSize: batchSize)
    }
}
