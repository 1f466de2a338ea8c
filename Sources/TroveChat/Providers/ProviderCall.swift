import Foundation
import TroveJSON
import TroveRemote

/// One chat provider's HTTP calls, with every failure named as a `ChatModelError`: the
/// clients share the transport (`HTTPCall`: deadline, retries) and differ only in their
/// wire formats.
struct ProviderCall: Sendable {
    let provider: String
    let call: HTTPCall

    /// POSTs `body` and parses the JSON answer. `model` names the model in a 404.
    func post(_ url: String, _ body: JSONValue, model: String) async throws -> JSONValue {
        let data: Data
        do {
            data = try await call.postJSON(url, body: Data(body.text.utf8))
        } catch {
            throw chatError(error, model: model)
        }
        return try parse(data, what: "the answer")
    }

    /// POSTs `body` and returns the answer's lines as they arrive; iterating the lines throws
    /// `HTTPCallError`, which the stream wrapper (`eventStream`) maps.
    func postLines(_ url: String, _ body: JSONValue, model: String) async throws -> HTTPLineStream {
        do {
            return try await call.postLines(url, body: Data(body.text.utf8))
        } catch {
            throw chatError(error, model: model)
        }
    }

    /// GETs a JSON document (model lists).
    func get(_ url: String) async throws -> JSONValue {
        let data: Data
        do {
            data = try await call.getJSON(url)
        } catch {
            throw chatError(error, model: nil)
        }
        return try parse(data, what: "the answer")
    }

    func parse(_ data: Data, what: String) throws -> JSONValue {
        do {
            return try JSONParser.parse([UInt8](data))
        } catch {
            throw ChatModelError.malformed(provider: provider, detail: "\(what) is not JSON (\(error))")
        }
    }

    func parse(_ text: String, what: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw ChatModelError.malformed(provider: provider, detail: "\(what) is not JSON (\(error)): \(text.prefix(200))")
        }
    }

    func malformed(_ detail: String) -> ChatModelError {
        .malformed(provider: provider, detail: detail)
    }

    /// A streamed answer produced by `produce` on its own task: whatever it throws ends the
    /// stream as a `ChatModelError`, and a consumer that stops listening cancels it (which
    /// closes the connection).
    func eventStream(model: String,
                     _ produce: @escaping @Sendable (AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation) async throws -> Void)
        -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            do {
                try await produce(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: chatError(error, model: model))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// `HTTPCallError` as `ChatModelError`; other errors (already typed, cancellation) pass.
    /// `model` is nil for calls that name no model, where a 404 is just a status.
    func chatError(_ error: any Error, model: String?) -> any Error {
        guard let error = error as? HTTPCallError else { return error }
        switch error {
        case let .unreachable(url, reason):
            return ChatModelError.unreachable(provider: provider, url: url, reason: reason)
        case let .timedOut(url, seconds):
            return ChatModelError.timedOut(provider: provider, url: url, seconds: seconds)
        case let .bodyTooLarge(_, limit):
            return ChatModelError.malformed(provider: provider, detail: "the answer is larger than \(limit) bytes")
        case let .status(url, code, body):
            let message = Self.errorMessage(body)
            switch code {
            case 401, 403: return ChatModelError.unauthorized(provider: provider, url: url, message: message)
            case 404 where model != nil: return ChatModelError.modelNotFound(provider: provider, model: model ?? "", message: message)
            case 429: return ChatModelError.rateLimited(provider: provider, message: message)
            default: return ChatModelError.status(provider: provider, code: code, message: message)
            }
        }
    }

    /// An error a server reports inside a stream that had already answered 200 (OpenAI-style
    /// servers as `data: {"error": …}`, Ollama as `{"error": "…"}`, Anthropic as an `error`
    /// event). Typed by the error's `type` or `code` when it has one; otherwise it is taken
    /// for a server failure (500), since the request itself was accepted.
    func streamError(_ payload: JSONValue, url: String, model: String) -> ChatModelError {
        let error = payload["error"] ?? payload
        let message = Self.message(in: payload) ?? payload.text
        let type = error["type"]?.stringValue ?? error["code"]?.stringValue
        let code = error["code"]?.intValue ?? payload["code"]?.intValue
        switch (type, code) {
        case ("authentication_error"?, _), ("permission_error"?, _), (_, 401?), (_, 403?):
            return .unauthorized(provider: provider, url: url, message: message)
        case ("not_found_error"?, _), ("model_not_found"?, _), (_, 404?):
            return .modelNotFound(provider: provider, model: model, message: message)
        case ("rate_limit_error"?, _), ("rate_limit_exceeded"?, _), (_, 429?):
            return .rateLimited(provider: provider, message: message)
        case ("overloaded_error"?, _):
            return .status(provider: provider, code: 529, message: message)
        case ("invalid_request_error"?, _):
            return .status(provider: provider, code: code ?? 400, message: message)
        default:
            return .status(provider: provider, code: code ?? 500, message: message)
        }
    }

    /// The provider's own words from an error body: `{"error": {"message": …}}` (OpenAI,
    /// and Anthropic's `{"type": "error", "error": {…}}`), `{"error": "…"}` (Ollama), or a
    /// top-level `message`/`detail`; else the body itself.
    static func errorMessage(_ body: String) -> String {
        if let json = try? JSONParser.parse(body), let text = message(in: json) { return text }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "no error message" : trimmed
    }

    private static func message(in json: JSONValue) -> String? {
        if let error = json["error"] {
            if let text = error.stringValue { return text }
            if let text = error["message"]?.stringValue { return text }
        }
        return json["message"]?.stringValue ?? json["detail"]?.stringValue
    }
}

/// Assembles tool calls that arrive in pieces, keyed by the index of the call (OpenAI's
/// `delta.tool_calls[].index`, Anthropic's content block index): the id and name come
/// first, the arguments' JSON text in fragments to be concatenated.
struct ToolCallAssembler: Sendable {
    private struct Partial: Sendable {
        var id: String = ""
        var name: String = ""
        var arguments: String = ""
    }

    private var partials: [Int: Partial] = [:]
    private var lastIndex: Int?

    var isEmpty: Bool { partials.isEmpty }

    /// Adds what one fragment says about call `index`. Ids and names are kept from their
    /// first appearance (some servers repeat them on every fragment).
    mutating func add(index: Int, id: String? = nil, name: String? = nil, arguments: String? = nil) {
        var partial = partials[index] ?? Partial()
        if let id, !id.isEmpty, partial.id.isEmpty { partial.id = id }
        if let name, !name.isEmpty, partial.name.isEmpty { partial.name = name }
        if let arguments { partial.arguments += arguments }
        partials[index] = partial
        lastIndex = index
    }

    /// Adds one element of an OpenAI `delta.tool_calls` array. Servers that leave out
    /// `index` are followed by id: a new id starts a new call, none continues the last.
    mutating func add(openAIFragment fragment: JSONValue) {
        let id = fragment["id"]?.stringValue
        let index: Int
        if let given = fragment["index"]?.intValue {
            index = given
        } else if let id, let last = lastIndex, partials[last]?.id != id, partials[last]?.id.isEmpty == false {
            index = (partials.keys.max() ?? -1) + 1
        } else {
            index = lastIndex ?? 0
        }
        let function = fragment["function"]
        add(index: index, id: id, name: function?["name"]?.stringValue, arguments: Self.argumentsText(function?["arguments"]))
    }

    /// The calls in index order; a call without an id gets `call_<index>`, one without
    /// arguments `{}`.
    var calls: [ToolCall] {
        partials.sorted { $0.key < $1.key }.map { index, partial in
            ToolCall(id: partial.id.isEmpty ? "call_\(index)" : partial.id, name: partial.name,
                     arguments: partial.arguments.isEmpty ? "{}" : partial.arguments)
        }
    }

    /// Arguments as JSON text: OpenAI sends a string; a few compatible servers send the
    /// object itself.
    static func argumentsText(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: return nil
        case let .string(text)?: return text
        case let other?: return other.text
        }
    }
}
