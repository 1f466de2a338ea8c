import Foundation
import Hummingbird
import NIOCore

extension StandInState {
    /// `POST /v1/embeddings` (OpenAI: `{"model", "input"}` → `{"data": [{"index", "embedding"}]}`,
    /// sent in reverse order so that clients must honour `index`) and `POST /api/embed`
    /// (Ollama: `{"model", "input"}` → `{"embeddings": [[…]]}`).
    func embeddings(_ request: Request, native: Bool) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        let authorization = request.headers[.authorization]
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let model = object["model"] as? String else {
            return try Self.json(["error": ["message": "body must be a JSON object with a model", "type": "invalid_request_error"]],
                                 status: .badRequest)
        }
        let inputs: [String]
        if let list = object["input"] as? [String] { inputs = list } else if let one = object["input"] as? String { inputs = [one] } else {
            return try Self.json(["error": ["message": "input must be a string or an array of strings", "type": "invalid_request_error"]],
                                 status: .badRequest)
        }
        requests.withLock {
            $0.append(StandInServer.Request(path: request.uri.path, model: model, inputs: inputs.count, authorization: authorization))
        }
        if let apiKey, authorization != "Bearer \(apiKey)" {
            return try Self.json(["error": ["message": "invalid api key", "type": "authentication_error"]], status: .unauthorized)
        }
        if let failure = try await failure(for: model) { return failure }
        // A text can ask for a failure too, for the callers that cannot choose the model
        // (a server whose collection names it): "standin:fail" anywhere in an input → 500.
        if inputs.contains(where: { $0.contains(StandInServer.failingText) }) {
            return try Self.json(["error": ["message": "model crashed", "type": "server_error"]], status: .internalServerError)
        }
        var vectors = inputs.map { StandInServer.vector(for: $0, dimension: dimension) }
        if model == "short" { vectors.removeLast() }
        if native {
            return try Self.json(["model": model, "embeddings": vectors.map { $0.map(Double.init) }])
        }
        let data: [[String: Any]] = vectors.enumerated().reversed().map {
            ["object": "embedding", "index": $0.offset, "embedding": $0.element.map(Double.init)]
        }
        return try Self.json(["object": "list", "model": model, "data": data,
                              "usage": ["prompt_tokens": inputs.count, "total_tokens": inputs.count]])
    }
}
