import Hummingbird

/// Runs `inner` for every request but a public bot's (`/api/chat/…`): those routes answer
/// CORS themselves, per bot, from its `allowed_origins`. The server-wide `--cors-origin`
/// gate would otherwise strip the `Origin` of the very sites a bot allows (so the bot's
/// origin check saw no origin at all), and its middleware would answer their preflights.
struct PublicChatExemption<Inner: RouterMiddleware>: RouterMiddleware {
    typealias Context = Inner.Context
    let inner: Inner

    static var prefix: String { "/api/chat/" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix(Self.prefix) { return try await next(request, context) }
        return try await inner.handle(request, context: context, next: next)
    }
}
