import Foundation

/// A model folder found on disk.
public struct InstalledModel: Sendable, Equatable {
    public let name: String
    public let directory: URL
    public let dimension: Int
    public let layers: Int
    /// Tokens per input, special tokens included; longer input is cut.
    public let maxSequenceLength: Int
    /// Bytes of model.safetensors.
    public let weightBytes: Int
}

/// Where native models live: `modelDirectory` (`--model-dir`) when given, then
/// `searchDirectory` (`$TROVE_MODELS`), then `./models`.
/// Each place is either one model folder or a folder of model folders (named after the
/// model, as `scripts/install-model.sh` lays them out).
public struct ModelCatalog: Sendable {
    /// The model used when none is named.
    public static let defaultModel = "all-MiniLM-L6-v2"
    public let searchPaths: [URL]
    /// `--model-dir`, which may point at one model folder whatever its name.
    public let explicitDirectory: URL?

    public init(modelDirectory: String? = nil, searchDirectory: String? = nil,
                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        var paths: [URL] = []
        explicitDirectory = modelDirectory.flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, relativeTo: currentDirectory).standardizedFileURL }
        if let explicitDirectory { paths.append(explicitDirectory) }
        if let searchDirectory, !searchDirectory.isEmpty {
            paths.append(URL(fileURLWithPath: searchDirectory, relativeTo: currentDirectory).standardizedFileURL)
        }
        paths.append(currentDirectory.appendingPathComponent("models").standardizedFileURL)
        searchPaths = paths
    }

    /// Every model folder in the search paths, first place first, each name once.
    public func installed() -> [InstalledModel] {
        var seen = Set<String>()
        var found: [InstalledModel] = []
        for path in searchPaths {
            for candidate in Self.candidates(in: path) {
                guard let model = Self.describe(candidate), seen.insert(model.name.lowercased()).inserted else { continue }
                found.append(model)
            }
        }
        return found
    }

    /// The folder of model `name` (case-insensitive), or a typed error that says how to install it.
    public func locate(_ name: String = ModelCatalog.defaultModel) throws -> URL {
        if let explicitDirectory, Self.looksLikeModel(explicitDirectory) { return explicitDirectory }
        for path in searchPaths {
            for candidate in Self.candidates(in: path) where candidate.lastPathComponent.lowercased() == name.lowercased() {
                if Self.looksLikeModel(candidate) { return candidate }
            }
        }
        throw EmbedderError.modelNotInstalled(name: name, searched: searchPaths.map(\.path))
    }

    /// A file kept beside the models (such as `BPEVocabulary.cl100kFileName`), in the
    /// first search path that has it.
    public func file(_ name: String) -> URL? {
        searchPaths.map { $0.appendingPathComponent(name) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Loads the native embedder for `name`.
    public func load(_ name: String = ModelCatalog.defaultModel, batchSize: Int = 32) throws -> MiniLMEmbedder {
        try MiniLMEmbedder(directory: try locate(name), name: name, batchSize: batchSize)
    }

    private static func candidates(in path: URL) -> [URL] {
        if looksLikeModel(path) { return [path] }
        let children = (try? FileManager.default.contentsOfDirectory(at: path, includingPropertiesForKeys: nil)) ?? []
        return children.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// A model folder has at least these files; whether they are sound shows at load.
    static func looksLikeModel(_ url: URL) -> Bool {
        let fm = FileManager.default
        return ["config.json", "model.safetensors", "vocab.txt"].allSatisfy {
            fm.fileExists(atPath: url.appendingPathComponent($0).path)
        }
    }

    private static func describe(_ url: URL) -> InstalledModel? {
        guard looksLikeModel(url), let config = try? BertConfig(directory: url) else { return nil }
        let weights = url.appendingPathComponent("model.safetensors").path
        let size = (try? FileManager.default.attributesOfItem(atPath: weights)[.size] as? NSNumber)?.intValue ?? 0
        return InstalledModel(name: url.lastPathComponent, directory: url, dimension: config.hiddenSize, layers: config.layers,
                              maxSequenceLength: config.maxSequenceLength, weightBytes: size)
    }
}
