import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TroveChat
import TroveEngine
import TroveJSON
import TroveRemote
@testable import TroveServer
import TroveStandIn
import TroveStorage
import TroveTestSupport

/// The API on a fresh data folder, the chat model and embeddings served by the stand-in
/// (OpenAI wire format), exercised through HummingbirdTesting's live mode (a real server on
/// 127.0.0.1). Passwords are hashed with bcrypt cost 4 here to keep tests quick; the
/// default (12) is checked in `AuthTests`.
final class ServerHarness: @unchecked Sendable {
    let folder = TempDirectory("trove-server")
    let standIn: StandInServer
    let system: ChatSystem
    let api: TroveAPI
    static let adminPassword = "admin-password-1"

    init(chat adjustChat: (inout ChatSettings) -> Void = { _ in }, settings adjust: (inout ServerSettings) -> Void = { _ in },
         database: DatabaseOptions = DatabaseOptions()) async throws {
        standIn = try await StandInServer.start(dimension: 32)
        var chat = ChatSettings()
        chat.provider = .openai
        chat.llmURL = standIn.baseURL + "/v1"
        chat.llmModel = "standin"
        chat.llmTimeoutSeconds = 10
        adjustChat(&chat)
        let embedder = try await RemoteEmbedder.connect(url: standIn.baseURL + "/v1", model: "embed")
        system = try await ChatSystem.open(dataFolder: folder.sub("data"), settings: chat, embedder: embedder, counter: EstimatingTokenCounter(), options: database)
        var s = ServerSettings()
        s.port = 0
        s.bcryptCost = 4
        adjust(&s)
        api = try await TroveAPI.make(system: system, dataFolder: folder.sub("data"), settings: s)
        _ = try await api.bootstrapAdmin(password: Self.adminPassword)
    }

    func stop() async {
        try? system.close()
        await standIn.stop()
    }

    /// A fresh harness running `body` with the client and the tokens of the admin and of
    /// new users `ann` and `bob`; stopped after.
    static func withUsers(_ body: @Sendable (APIClient, _ admin: String, _ ann: String, _ bob: String) async throws -> Void) async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", adminPassword)
            try await body(c, admin, try await c.user("ann", admin: admin), try await c.user("bob", admin: admin))
        }
    }

    /// A fresh harness (with `settings` and `database` adjusted) running `body` with the
    /// client and the token of a new user `ann`; stopped after.
    static func withUser(settings adjust: (inout ServerSettings) -> Void = { _ in }, database: DatabaseOptions = DatabaseOptions(),
                         testing: TestingSetup = .live,
                         _ body: @Sendable (APIClient, _ ann: String) async throws -> Void) async throws {
        let h = try await ServerHarness(settings: adjust, database: database)
        defer { Task { await h.stop() } }
        try await h.run(testing: testing) { c in
            let admin = try await c.login("admin", adminPassword)
            try await body(c, try await c.user("ann", admin: admin))
        }
    }

    /// Runs `body` against the live server, or with `.router` straight against the
    /// application's responder (no socket and no client read timeout: for long request
    /// loops, which in CI's parallel suite could wait out the live client's 20 s while
    /// synchronous tests held Swift's two-thread pool).
    func run(testing: TestingSetup = .live, _ body: @Sendable (APIClient) async throws -> Void) async throws {
        try await api.application().test(testing) { client in try await body(APIClient(client: client)) }
    }
}

/// Requests with JSON bodies and bearer credentials; answers parsed as JSON.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String
        var json: JSONValue { (try? JSONParser.parse(text)) ?? .null }
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, headers extra: HTTPFields = [:],
              raw: String? = nil) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        let r = try await client.execute(uri: uri, method: method, headers: headers, body: (json ?? raw).map { ByteBuffer(string: $0) })
        return Answer(status: r.status, headers: r.headers, text: String(buffer: r.body))
    }

    func login(_ username: String, _ password: String) async throws -> String {
        let r = try await call(.post, "/api/auth/login", json: #"{"username": "\#(username)", "password": "\#(password)"}"#)
        guard let token = r.json["access_token"]?.stringValue else { throw APIError.unauthorized("login failed: \(r.text)") }
        return token
    }

    /// Logs in as admin, creates `username` and returns its token.
    func user(_ username: String, admin: String) async throws -> String {
        _ = try await call(.post, "/api/users", token: admin, json: #"{"username": "\#(username)", "password": "password-\#(username)", "role": "user"}"#)
        return try await login(username, "password-\(username)")
    }
}
