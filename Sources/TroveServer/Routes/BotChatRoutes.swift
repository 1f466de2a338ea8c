import HTTPTypes
import Hummingbird
import TroveChat
import TroveJSON

/// `/api/chat/{bot_id}`: visitors chat with a public bot, without an account. No
/// credential is needed; one that is sent must be the bot's publishable key. A page on
/// another site may call only when the bot allows its origin (CORS answers name that
/// origin, so such a page can read them; preflights are answered here). Each bot and each
/// visitor session has a token bucket, and the bot a daily token budget.
struct BotChatRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        let bots = api.system.bots
        router.get("/api/chat/{bot_id}") { request, context in
            // Read on every page view of a site with the widget: not a message, so not counted.
            let bot = try await admit(request, context, counted: false)
            return Self.shared(JSONResponse.make(.object([("id", .string(bot.id)), ("object", .string("bot")), ("name", .string(bot.name)),
                                                          ("widget", bot.bot.widget.json)])), request)
        }
        for path in ["/api/chat/{bot_id}", "/api/chat/{bot_id}/session/{session_id}"] {
            router.on(RouterPath(path), method: .options) { request, context in
                _ = try await admit(request, context, counted: false)
                var response = Self.shared(Response(status: .noContent), request)
                response.headers[.accessControlAllowMethods] = "GET, POST, DELETE"
                response.headers[.accessControlAllowHeaders] = "Content-Type, Authorization"
                response.headers[.accessControlMaxAge] = "600"
                return response
            }
        }
        router.post("/api/chat/{bot_id}") { request, context in
            let bot = try await admit(request, context)
            let body = try await request.jsonObject(limit: Self.maxBodyBytes, members: ["message", "session_id", "stream"])
            let message = try body.requiredString("message")
            let sessionID = try body.string("session_id", maxLength: 200)
            try take(api.visitorLimiter, sessionID.map { "\(bot.id) \($0)" }, "this chat")
            let stream = try body.bool("stream") ?? (request.uri.queryParameters.get("stream") == "true")
            do {
                guard stream else {
                    let (secret, exchange) = try await bots.send(bot: bot, sessionID: sessionID, text: message)
                    ServerMetrics.shared.record(usage: exchange.assistant.usage, milliseconds: exchange.assistant.latencyMilliseconds)
                    return Self.shared(JSONResponse.make(Self.reply(bot: bot, sessionID: secret, exchange.assistant)), request)
                }
                let (secret, events) = try await bots.stream(bot: bot, sessionID: sessionID, text: message)
                return Self.shared(SSEResponse.make(VisitorEventStream(bot: bot, sessionID: secret, base: events)), request)
            } catch {
                throw Self.visible(error)
            }
        }
        router.get("/api/chat/{bot_id}/session/{session_id}") { request, context in
            let bot = try await admit(request, context, counted: false)
            let messages = try await bots.history(bot: bot, sessionID: context.parameters.require("session_id"), limit: request.limit)
            return Self.shared(JSONResponse.list(messages.map(Self.visitorJSON), cursor: nil), request)
        }
        router.delete("/api/chat/{bot_id}/session/{session_id}") { request, context in
            let bot = try await admit(request, context, counted: false)
            try await bots.end(bot: bot, sessionID: context.parameters.require("session_id"))
            return Self.shared(Response(status: .noContent), request)
        }
    }

    private static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// A visitor's body: a message of at most `BotChatService.maxMessageBytes` and its fields.
    static let maxBodyBytes = 64 << 10

    /// The bot, if it is public, its owner's account enabled, the credential (if any) its
    /// publishable key, the page's origin allowed, and (`counted`: a message) the bot's
    /// bucket not empty. Reads and ends are limited per address only, like other public routes.
    private func admit(_ request: Request, _ context: TroveRequestContext, counted: Bool = true) async throws -> Agent {
        let id = try context.parameters.require("bot_id")
        let bot = try api.system.bots.bot(id)
        guard let owner = try await api.accounts.get(bot.owner), !owner.disabled else { throw APIError.notFound("no bot '\(id)'") }
        if let credential = request.headers[.authorization] {
            guard credential == "Bearer \(bot.bot.publishableKey ?? "")", bot.bot.publishableKey != nil else {
                throw APIError.unauthorized("this route takes no credential, or the bot's publishable key (pk_…)")
            }
        }
        let origin = request.headers[.origin]
        guard origin.map({ Self.isOwnPage($0, request) }) ?? true || bot.bot.allows(origin: origin) else {
            throw APIError.forbidden("this bot does not take messages from pages at \(origin ?? "")")
        }
        if counted { try take(api.botLimiter, bot.id, "this bot") }
        return bot
    }

    private func take(_ limiter: RateLimiter, _ key: String?, _ what: String) throws {
        guard let key, let wait = limiter.take(key) else { return }
        throw APIError.busy("too many messages to \(what): retry in \(wait) s", retryAfter: wait)
    }

    /// `response` readable by the page that asked (`admit` has checked its origin).
    static func shared(_ response: Response, _ request: Request) -> Response {
        guard let origin = request.headers[.origin] else { return response }
        var r = response
        r.headers[.accessControlAllowOrigin] = origin
        r.headers[.vary] = "Origin"
        return r
    }

    /// Whether `origin` is the server's own (the hosted chat page, the widget's frame):
    /// the request's host, or behind a reverse proxy the host and scheme it forwards. A page
    /// elsewhere cannot set those headers without a preflight, which carries its own origin.
    static func isOwnPage(_ origin: String, _ request: Request) -> Bool {
        let forwarded = request.headers[forwardedHost].map { host in (request.headers[forwardedProto] ?? "https") + "://" + host }
        guard let host = request.head.authority else { return origin == forwarded }
        return origin == "http://\(host)" || origin == "https://\(host)" || origin == forwarded
    }

    /// What a visitor may see of a failure: the owner's endpoint, the provider's words and
    /// the server's own faults (a record that will not read, a key that will not open)
    /// stay with the owner; the visitor is told the bot cannot answer, with the status.
    static func visible(_ error: any Error) -> any Error {
        let unavailable = { (status: HTTPResponse.Status) in
            APIError(status: status, type: "provider_error", message: "the bot cannot answer now; try again later", code: "bot_unavailable")
        }
        switch error {
        case let ChatError.provider(e, _): return unavailable(APIError.providerError(e).status)
        case ChatError.notFound(kind: "conversation", _): return BotChatService.noSession
        case let e where APIError.from(e).status.code >= 500: return unavailable(APIError.from(e).status)
        default: return error
        }
    }

    static func reply(bot: Agent, sessionID: String, _ message: ChatMessage) -> JSONValue {
        .object([("object", .string("chat.reply")), ("bot_id", .string(bot.id)), ("session_id", .string(sessionID)),
                 ("message", visitorJSON(message))])
    }

    /// A message as a visitor sees it: no token usage, model, tool steps or file ids.
    static func visitorJSON(_ m: ChatMessage) -> JSONValue {
        .object([("id", .string(m.id)), ("role", .string(m.role.rawValue)), ("content", .string(m.content)),
                 ("created_at", m.json["created_at"] ?? .null),
                 ("sources", .array(m.sources.map { s in
                     .object([("number", .int(Int64(s.number))), ("file_name", .string(s.fileName)), ("text", .string(s.text))])
                 }))])
    }
}

/// A visitor's streamed reply as SSE: `session` first (the secret to keep), `delta`s, then
/// `done` with the stored reply, or a last `error`.
struct VisitorEventStream: AsyncSequence, Sendable {
    typealias Element = SSEResponse.Event
    let bot: Agent
    let sessionID: String
    let base: AsyncThrowingStream<SendEvent, any Error>

    struct AsyncIterator: AsyncIteratorProtocol {
        let bot: Agent
        let sessionID: String
        var base: AsyncThrowingStream<SendEvent, any Error>.AsyncIterator
        var started = false
        var finished = false

        mutating func next() async throws -> SSEResponse.Event? {
            guard !finished else { return nil }
            guard started else {
                started = true
                return .init(name: "session", data: JSONValue.object([("session_id", .string(sessionID))]).text)
            }
            do {
                while true {
                    switch try await base.next() {
                    case let .delta(text)?: return .init(name: "delta", data: JSONValue.object([("content", .string(text))]).text)
                    case .toolStep?: continue
                    case let .done(ex)?:
                        ServerMetrics.shared.record(usage: ex.assistant.usage, milliseconds: ex.assistant.latencyMilliseconds)
                        return .init(name: "done", data: BotChatRoutes.reply(bot: bot, sessionID: sessionID, ex.assistant).text)
                    case nil: return nil
                    }
                }
            } catch {
                finished = true
                return .init(name: "error", data: APIError.from(BotChatRoutes.visible(error)).json.text)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bot: bot, sessionID: sessionID, base: base.makeAsyncIterator()) }
}
