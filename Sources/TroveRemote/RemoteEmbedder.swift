import TroveEmbed
import Foundation

/// Embeddings from a model behind an HTTP API: the OpenAI-compatible `/v1/embeddings`
/// (OpenAI, vLLM, llama.cpp server, Ollama's `/v1`) or Ollama's native `/api/embed`.
/// Vectors are normalised here whatever the server did, and every answer is checked: one
/// vector per input, all of the same length.
public struct RemoteEmbedder: Embedder {
    /// The two wire formats.
    public enum API: String, Sendable {
        case openAI = "openai"
        case ollama = "ollama"
    }

    public let api: API
    /// The full endpoint URL requests go to.
    public let endpoint: String
    public let modelName: String
    public let dimension: Int
    /// Inputs per request.
    public let batchSize: Int
    private let call: HTTPCall

    /// Connects to `url` and learns the model's dimension from one probe request.
    ///
    /// `url` is a base (`http://host:11434`, `https://api.openai.com/v1`) or a full endpoint
    /// (`…/v1/embeddings`, `…/api/embed`); a base ending in `/api` or a port-11434 host without
    /// `/v1` selects Ollama's native API unless `api` says otherwise.
    public static func connect(url: String, model: String, apiKey: String? = nil, api: API? = nil,
                               call: HTTPCall = HTTPCall(), batchSize: Int = 64) async throws -> RemoteEmbedder {
        let (endpoint, chosen) = try resolve(url: url, api: api)
        var call = call
        if let apiKey, !apiKey.isEmpty { call.headers.append(("Authorization", "Bearer \(apiKey)")) }
        let probe = RemoteEmbedder(api: chosen, endpoint: endpoint, modelName: model, dimension: 0, batchSize: batchSize, call: call)
        let vectors = try await probe.request(["dimension probe"], expectedDimension: nil)
        guard let first = vectors.first, !first.isEmpty else {
            throw EmbedderError.endpointResponse(url: endpoint, problem: "returned an empty vector")
        }
        return RemoteEmbedder(api: chosen, endpoint: endpoint, modelName: model, dimension: first.count, batchSize: batchSize, call: call)
    }

    private init(api: API, endpoint: String, modelName: String, dimension: Int, batchSize: Int, call: HTTPCall) {
        self.api = api
        self.endpoint = endpoint
        self.modelName = modelName
        self.dimension = dimension
        self.batchSize = max(1, batchSize)
        self.call = call
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var out: [[Float]] = []
        out.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            out += try await request(Array(texts[start..<min(start + batchSize, texts.count)]), expectedDimension: dimension)
        }
        return out
    }

    static func resolve(url: String, api: API?) throws -> (String, API) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URL(string: base), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw EmbedderError.unknownEmbedder(url)
        }
        if base.hasSuffix("/api/embed") { return (base, api ?? .ollama) }
        if base.hasSuffix("/embeddings") { return (base, api ?? .openAI) }
        let chosen = api ?? ((base.hasSuffix("/api") || (parsed.port == 11434 && !base.hasSuffix("/v1"))) ? .ollama : .openAI)
        switch chosen {
        case .ollama:
            return ((base.hasSuffix("/api") ? base : base + "/api") + "/embed", .ollama)
        case .openAI:
            return ((base.hasSuffix("/v1") ? base : base + "/v1") + "/embeddings", .openAI)
        }
    }

    private func request(_ texts: [String], expectedDimension: Int?) async throws -> [[Float]] {
        let body: Data
        switch api {
        case .openAI: body = try JSONEncoder().encode(OpenAIRequest(model: modelName, input: texts, encoding_format: "float"))
        case .ollama: body = try JSONEncoder().encode(OllamaRequest(model: modelName, input: texts))
        }
        let data: Data
        do {
            data = try await call.postJSON(endpoint, body: body)
        } catch let error as HTTPCallError {
            switch error {
            case .status(_, let code, let text): throw EmbedderError.endpointStatus(url: endpoint, status: code, message: Self.errorMessage(text))
            default: throw EmbedderError.endpointUnreachable(url: endpoint, reason: error.description)
            }
        }
        let vectors = try decode(data, count: texts.count)
        for vector in vectors {
            let expected = expectedDimension ?? vectors[0].count
            guard vector.count == expected else {
                throw EmbedderError.endpointResponse(url: endpoint, problem: "returned a \(vector.count)-dimensional vector, expected \(expected)")
            }
        }
        return vectors.map(Self.normalized)
    }

    private func decode(_ data: Data, count: Int) throws -> [[Float]] {
        let vectors: [[Float]]
        do {
            switch api {
            case .openAI:
                let reply = try JSONDecoder().decode(OpenAIResponse.self, from: data)
                let sorted = reply.data.sorted { $0.index < $1.index }
                guard sorted.map(\.index) == Array(0..<sorted.count) else {
                    throw EmbedderError.endpointResponse(url: endpoint, problem: "returned indices \(sorted.map(\.index)) for \(count) inputs")
                }
                vectors = sorted.map(\.embedding)
            case .ollama:
                vectors = try JSONDecoder().decode(OllamaResponse.self, from: data).embeddings
            }
        } catch let error as DecodingError {
            throw EmbedderError.endpointResponse(url: endpoint, problem: "not the expected JSON (\(Self.describe(error)))")
        }
        guard vectors.count == count else {
            throw EmbedderError.endpointResponse(url: endpoint, problem: "returned \(vectors.count) vectors for \(count) inputs")
        }
        return vectors
    }

    static func normalized(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    /// The message of an OpenAI-style `{"error": {"message"}}` or Ollama-style `{"error": "…"}` body.
    static func errorMessage(_ body: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return body }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let message = object["error"] as? String { return message }
        return body
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }

    private struct OpenAIRequest: Encodable { let model: String; let input: [String]; let encoding_format: String }
    private struct OpenAIResponse: Decodable {
        struct Item: Decodable { let index: Int; let embedding: [Float] }
        let data: [Item]
    }
    private struct OllamaRequest: Encodable { let model: String; let input: [String] }
    private struct OllamaResponse: Decodable { let embeddings: [[Float]] }
}
