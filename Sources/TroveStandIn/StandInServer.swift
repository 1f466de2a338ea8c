import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A stand-in for remote model APIs, on 127.0.0.1 and an ephemeral port: it speaks their
/// real wire formats over real HTTP, so clients are tested end to end without a remote
/// service. It computes no model: its "embedding" of a text is a bag of hashed words, and
/// its chat answers are echoes (see `StandInChat.swift`) in OpenAI's, Ollama's and
/// Anthropic's formats.
///
/// Some model names ask for a failure, so that clients' error paths can be exercised:
/// `flaky` answers 429 (Retry-After: 0) to every other request, `slow` waits 3 s,
/// `malformed` sends broken JSON, `short` one vector too few, `broken` 500 with an error
/// body, any name starting with `missing` 404, and `nousage` (chat) reports no token counts.
/// An embeddings input holding `failingText` is answered 500 whatever the model.
public final class StandInServer: Sendable {
    /// Text that makes an embeddings request fail (500), for callers that cannot pick the model.
    public static let failingText = "standin:fail"

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Vector length of every embedding it returns.
    public let dimension: Int
    private let task: Task<Void, any Error>
    let state: StandInState

    /// One request as the server saw it.
    public struct Request: Sendable, Equatable {
        public let path: String
        public let model: String
        public let inputs: Int
        public let authorization: String?
    }

    /// The requests received so far, in order.
    public var requests: [Request] { state.requests.withLock { $0 } }
    /// How many model lists were asked for, in any wire format.
    public var modelListRequests: Int { state.modelLists.load(ordering: .relaxed) }

    /// Starts a server; with `apiKey`, requests without `Authorization: Bearer <apiKey>` (or,
    /// to Anthropic's endpoints, `x-api-key: <apiKey>`) get 401.
    public static func start(dimension: Int = 8, apiKey: String? = nil) async throws -> StandInServer {
        let state = StandInState(apiKey: apiKey, dimension: dimension)
        let router = Router()
        router.post("/v1/embeddings") { request, _ in try await state.embeddings(request, native: false) }
        router.post("/api/embed") { request, _ in try await state.embeddings(request, native: true) }
        router.post("/v1/chat/completions") { request, _ in try await state.chat(request, wire: .openAI) }
        router.post("/api/chat") { request, _ in try await state.chat(request, wire: .ollama) }
        router.post("/v1/messages") { request, _ in try await state.chat(request, wire: .anthropic) }
        router.get("/v1/models") { request, _ in state.chatModelList(request, ollama: false) }
        router.get("/api/tags") { request, _ in state.chatModelList(request, ollama: true) }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        // Stopping is by cancellation, which Hummingbird logs as an error: keep tests quiet.
        var logger = Logger(label: "trove.standin")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let task = Task { try await app.run() }
        var port = 0
        for await p in ports { port = p }
        guard port > 0 else {
            task.cancel()
            throw StandInError.didNotStart
        }
        return StandInServer(port: port, dimension: dimension, task: task, state: state)
    }

    private init(port: Int, dimension: Int, task: Task<Void, any Error>, state: StandInState) {
        self.port = port
        self.dimension = dimension
        self.task = task
        self.state = state
    }

    /// Stops listening; connections after this are refused.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// The unnormalised vector the stand-in returns for `text`.
    public static func vector(for text: String, dimension: Int) -> [Float] {
        var v = [Float](repeating: 0, count: dimension)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            v[Int(hash % UInt64(dimension))] += 3
        }
        if v.allSatisfy({ $0 == 0 }) { v[0] = 1 }
        return v
    }
}

public enum StandInError: Error { case didNotStart }

/// What the handlers share: the request log, the failure counters, the settings.
final class StandInState: Sendable {
    let requests = Mutex<[StandInServer.Request]>([])
    let chatRequests = Mutex<[StandInServer.ChatRecord]>([])
    let flakyCalls = Atomic<Int>(0)
    /// Model lists served (a provider probe is one).
    let modelLists = Atomic<Int>(0)
    let apiKey: String?
    let dimension: Int

    init(apiKey: String?, dimension: Int) {
        self.apiKey = apiKey
        self.dimension = dimension
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func raw(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The failure a model name asks for, if any, after recording the request.
    func failure(for model: String) async throws -> Response? {
        switch model {
        case "flaky":
            if flakyCalls.add(1, ordering: .relaxed).newValue % 2 == 1 {
                return try Self.json(["error": ["message": "rate limited", "type": "rate_limit"]], status: .tooManyRequests,
                                     headers: [.retryAfter: "0"])
            }
        case "slow":
            try await Task.sleep(for: .seconds(3))
        case "broken":
            return try Self.json(["error": ["message": "model crashed", "type": "server_error"]], status: .internalServerError)
        case "malformed":
            return Self.raw("{\"data\": [{\"index\": 0, \"embedding\": [0.1, ", status: .ok)
        case let name where name.hasPrefix("missing"):
            return try Self.json(["error": "model \"\(name)\" not found, try pulling it first"], status: .notFound)
        default:
            break
        }
        return nil
    }
}
