import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TroveJSON
import TroveStorage

extension StandInServer {
    /// One chat request as the server saw it.
    public struct ChatRecord: Sendable, Equatable {
        public let path: String
        public let model: String
        /// The request body as sent.
        public let body: String
        public let stream: Bool
        public let authorization: String?
        /// The `x-api-key` header (Anthropic).
        public let apiKeyHeader: String?
        public let anthropicVersion: String?
    }

    /// The chat requests received so far, in order.
    public var chatRequests: [ChatRecord] { state.chatRequests.withLock { $0 } }

    /// The chat models every model list names.
    public static let chatModels = ["echo-small", "echo-large"]

    /// Whitespace-separated words of `s`: the stand-in's "tokens".
    public static func words(_ s: String) -> Int {
        s.split(whereSeparator: \.isWhitespace).count
    }

    /// How a streamed reply is cut: each piece one word and the whitespace after it.
    public static func replyPieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var afterSpace = false
        for ch in text {
            if ch.isWhitespace {
                afterSpace = true
            } else if afterSpace, current.contains(where: { !$0.isWhitespace }) {
                pieces.append(current)
                current = ""
                afterSpace = false
            }
            current.append(ch)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}

/// The three chat wire formats.
enum ChatWire: Sendable {
    case openAI, ollama, anthropic
}

/// A chat request reduced to what decides the stand-in's answer.
struct ChatAsk {
    var model = ""
    var stream = false
    var includeUsage = false
    var hasTools = false
    /// Every text of the request (system prompt, messages, tool results), for the usage.
    var texts: [String] = []
    var lastUserText = ""
    var lastIsUser = false
    /// The content of the tool result when that is the last message.
    var lastToolResult: String?
    /// Stop strings: the answer ends before the first one, as real models' do.
    var stop: [String] = []

    enum Answer: Equatable {
        case text(String)
        case toolCall(name: String, arguments: String)
    }

    /// Deterministic: a tool result is quoted, a `[[call NAME {json}]]` directive is obeyed
    /// when tools are offered, anything else is echoed.
    var answer: Answer {
        if let lastToolResult { return .text("Tool said: " + lastToolResult) }
        if hasTools, lastIsUser, let call = Self.directive(in: lastUserText) { return .toolCall(name: call.name, arguments: call.arguments) }
        return .text(Self.cut("Echo: " + lastUserText, at: stop))
    }

    /// `text` up to the earliest of the `stop` strings.
    static func cut(_ text: String, at stop: [String]) -> String {
        let ends = stop.compactMap { $0.isEmpty ? nil : text.range(of: $0)?.lowerBound }
        guard let end = ends.min() else { return text }
        return String(text[..<end])
    }

    var promptTokens: Int { texts.reduce(0) { $0 + StandInServer.words($1) } }

    var completionTokens: Int {
        switch answer {
        case let .text(text): return StandInServer.words(text)
        case .toolCall: return 1
        }
    }

    /// `[[call NAME {json}]]` → NAME and the compact JSON text of the arguments.
    static func directive(in text: String) -> (name: String, arguments: String)? {
        guard let open = text.range(of: "[[call "),
              let close = text.range(of: "]]", options: .backwards, range: open.upperBound..<text.endIndex) else { return nil }
        let inner = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
        let name = String(inner.prefix { !$0.isWhitespace })
        let rest = inner.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, let arguments = try? JSONParser.parse(rest.isEmpty ? "{}" : rest),
              case .object = arguments else { return nil }
        return (name, JSONWriter.string(arguments))
    }
}

extension StandInState {
    /// `POST /v1/chat/completions`, `POST /api/chat` and `POST /v1/messages`.
    func chat(_ request: Request, wire: ChatWire) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 16 << 20)
        let raw = String(buffer: buffer)
        let authorization = request.headers[.authorization]
        let apiKeyHeader = Self.header(request, "x-api-key")
        let version = Self.header(request, "anthropic-version")
        let json = try? JSONParser.parse(raw)
        let model = json?["model"]?.asString ?? ""
        // Ollama streams unless told not to; the others only when asked.
        let stream = json?["stream"]?.asBool ?? (wire == .ollama)
        chatRequests.withLock {
            $0.append(StandInServer.ChatRecord(path: request.uri.path, model: model, body: raw, stream: stream, authorization: authorization,
                                               apiKeyHeader: apiKeyHeader, anthropicVersion: version))
        }
        if let apiKey {
            let sent = wire == .anthropic ? apiKeyHeader : authorization
            let expected = wire == .anthropic ? apiKey : "Bearer \(apiKey)"
            if sent != expected {
                return Self.chatError(wire, .unauthorized, "invalid api key", type: "authentication_error", code: "invalid_api_key")
            }
        }
        guard let json, case .object = json, !model.isEmpty else {
            return Self.chatError(wire, .badRequest, "body must be a JSON object with a model", type: "invalid_request_error")
        }
        if wire == .anthropic {
            if version == nil {
                return Self.chatError(wire, .badRequest, "anthropic-version: header is required", type: "invalid_request_error")
            }
            if json["max_tokens"]?.asInt == nil {
                return Self.chatError(wire, .badRequest, "max_tokens: Field required", type: "invalid_request_error")
            }
        }
        if let failure = try await chatFailure(model: model, wire: wire) { return failure }
        var ask = Self.ask(json, wire: wire)
        ask.model = model
        ask.stream = stream
        let nousage = model == "nousage" && wire != .anthropic
        if model == "malformed" && !stream {
            return Self.raw(ChatWireFormat.truncated(wire), status: .ok)
        }
        let format = ChatWireFormat(ask: ask, usage: !nousage, malformed: model == "malformed")
        switch (wire, stream) {
        case (.openAI, false): return Self.send(format.openAICompletion())
        // "drip" sends its pieces a quarter second apart, so a client can watch a reply arrive.
        case (.openAI, true): return Self.streamed(format.openAIChunks(), contentType: "text/event-stream", pause: model == "drip" ? .milliseconds(250) : nil)
        case (.ollama, false): return Self.send(format.ollamaCompletion())
        case (.ollama, true): return Self.streamed(format.ollamaLines(), contentType: "application/x-ndjson")
        case (.anthropic, false): return Self.send(format.anthropicMessage())
        case (.anthropic, true): return Self.streamed(format.anthropicEvents(), contentType: "text/event-stream")
        }
    }

    /// `GET /v1/models` (OpenAI's list, or Anthropic's when the request names an API
    /// version) and `GET /api/tags` (Ollama).
    func chatModelList(_ request: Request, ollama: Bool) -> Response {
        modelLists.add(1, ordering: .relaxed)
        let wire: ChatWire = ollama ? .ollama : (Self.header(request, "anthropic-version") != nil ? .anthropic : .openAI)
        if let apiKey {
            let sent = wire == .anthropic ? Self.header(request, "x-api-key") : request.headers[.authorization]
            if sent != (wire == .anthropic ? apiKey : "Bearer \(apiKey)") {
                return Self.chatError(wire, .unauthorized, "invalid api key", type: "authentication_error", code: "invalid_api_key")
            }
        }
        let names = StandInServer.chatModels
        switch wire {
        case .openAI:
            return Self.send(jsonObject(["object": .string("list"), "data": .array(names.map {
                jsonObject(["id": .string($0), "object": .string("model"), "created": .int(1_700_000_000), "owned_by": .string("standin")])
            })]))
        case .ollama:
            return Self.send(jsonObject(["models": .array(names.map {
                jsonObject(["name": .string($0), "model": .string($0), "modified_at": .string("2025-01-01T00:00:00Z"), "size": .int(1)])
            })]))
        case .anthropic:
            return Self.send(jsonObject(["data": .array(names.map {
                jsonObject(["type": .string("model"), "id": .string($0), "display_name": .string($0), "created_at": .string("2025-01-01T00:00:00Z")])
            }), "has_more": .bool(false), "first_id": .string(names.first ?? ""), "last_id": .string(names.last ?? "")]))
        }
    }

    /// The failure a model name asks for, in the provider's error shape.
    private func chatFailure(model: String, wire: ChatWire) async throws -> Response? {
        switch model {
        case "flaky":
            if flakyCalls.add(1, ordering: .relaxed).newValue % 2 == 1 {
                return Self.chatError(wire, .tooManyRequests, "rate limited", type: "rate_limit_error", code: "rate_limit_exceeded",
                                      headers: [.retryAfter: "0"])
            }
        case "slow":
            try await Task.sleep(for: .seconds(3))
        case "broken":
            return Self.chatError(wire, .internalServerError, "model crashed", type: "api_error")
        case let name where name.hasPrefix("missing"):
            let message: String
            switch wire {
            case .openAI: message = "The model `\(name)` does not exist"
            case .ollama: message = "model \"\(name)\" not found, try pulling it first"
            case .anthropic: message = "model: \(name)"
            }
            return Self.chatError(wire, .notFound, message, type: "not_found_error", code: "model_not_found")
        default:
            break
        }
        return nil
    }

    /// An error in the provider's shape: OpenAI `{"error": {"message", "type", "code"}}`,
    /// Ollama `{"error": "…"}`, Anthropic `{"type": "error", "error": {"type", "message"}}`.
    static func chatError(_ wire: ChatWire, _ status: HTTPResponse.Status, _ message: String, type: String, code: String? = nil,
                          headers: HTTPFields = [:]) -> Response {
        let body: JSONValue
        switch wire {
        case .openAI:
            body = jsonObject(["error": jsonObject(["message": .string(message), "type": .string(type), "code": code.map(JSONValue.string) ?? .null])])
        case .ollama:
            body = jsonObject(["error": .string(message)])
        case .anthropic:
            body = jsonObject(["type": .string("error"), "error": jsonObject(["type": .string(type), "message": .string(message)])])
        }
        return send(body, status: status, headers: headers)
    }

    static func send(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: JSONWriter.string(value))))
    }

    /// A body written piece by piece, so that clients see it arrive in parts.
    static func streamed(_ pieces: [String], contentType: String, pause: Duration? = nil) -> Response {
        let body = ResponseBody { writer in
            for piece in pieces {
                try await writer.write(ByteBuffer(string: piece))
                if let pause { try await Task.sleep(for: pause) }
            }
            try await writer.finish(nil)
        }
        var fields = HTTPFields()
        fields[.contentType] = contentType
        fields[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: fields, body: body)
    }

    private static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    /// Reads what decides the answer out of a request body in `wire`'s format.
    static func ask(_ json: JSONValue, wire: ChatWire) -> ChatAsk {
        var ask = ChatAsk()
        ask.hasTools = !(json["tools"]?.asArray ?? []).isEmpty
        ask.includeUsage = json["stream_options"]?["include_usage"]?.asBool ?? false
        let stop: JSONValue?
        switch wire {
        case .openAI: stop = json["stop"]
        case .ollama: stop = json["options"]?["stop"]
        case .anthropic: stop = json["stop_sequences"]
        }
        switch stop {
        case let .string(s)?: ask.stop = [s]
        case let .array(items)?: ask.stop = items.compactMap(\.asString)
        default: break
        }
        if wire == .anthropic, let system = json["system"] { ask.texts.append(text(of: system)) }
        let messages = json["messages"]?.asArray ?? []
        for message in messages {
            let role = message["role"]?.asString ?? ""
            let content = message["content"]
            var userText = text(of: content)
            var toolResult: String?
            if wire == .anthropic, let blocks = content?.asArray {
                // Tool results travel as blocks of a user message.
                let results = blocks.filter { $0["type"]?.asString == "tool_result" }
                if let last = results.last { toolResult = text(of: last["content"]) }
                userText = text(of: .array(blocks.filter { $0["type"]?.asString == "text" }))
                ask.texts += results.map { text(of: $0["content"]) }
            } else if role == "tool" {
                toolResult = userText
            }
            ask.texts.append(userText)
            ask.lastToolResult = toolResult
            ask.lastIsUser = role == "user" && toolResult == nil
            if ask.lastIsUser { ask.lastUserText = userText }
        }
        return ask
    }

    /// The text of a content value: a string, or the `text` of its text blocks/parts.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case let .string(s)?: return s
        case let .array(parts)?: return parts.compactMap { $0["text"]?.asString }.joined(separator: "\n")
        default: return ""
        }
    }
}

/// Reads of parsed JSON (TroveChat has its own; the stand-in does not depend on it).
extension JSONValue {
    fileprivate var asString: String? { if case let .string(s) = self { return s }; return nil }
    fileprivate var asBool: Bool? { if case let .bool(b) = self { return b }; return nil }
    fileprivate var asInt: Int64? { if case let .int(i) = self { return i }; return nil }
    fileprivate var asArray: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
}

/// A JSON object with members in the written order.
func jsonObject(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
    .object(pairs.map { JSONMember($0.key, $0.value) })
}
