import HTTPTypes
import Hummingbird
import NIOCore

/// A public bot's hosted chat page (`/chat/{bot_id}`) and the embed script
/// (`/widget.js`). The page may be framed only by the bot's allowed origins (CSP
/// `frame-ancestors`; any page when the bot names none), so the widget works only on the
/// sites the owner listed; like the web app, it runs no inline script.
struct BotPageRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        router.get("/chat/{bot_id}") { request, context in
            let id = try context.parameters.require("bot_id")
            let bot = try api.system.bots.bot(id)
            guard let owner = try await api.accounts.get(bot.owner), !owner.disabled else { throw APIError.notFound("no bot '\(id)'") }
            var response = WebRoutes.serve(WebAssets.botPage, request)
            response.headers[.contentSecurityPolicy] = Self.pagePolicy(frameAncestors: bot.bot.allowedOrigins)
            return response
        }
        router.get("/widget.js") { request, _ in
            var response = WebRoutes.serve(WebAssets.widget, request)
            // A script other sites load: no CSP of ours applies to it, and it may be fetched cross-origin.
            response.headers[.contentSecurityPolicy] = nil
            response.headers[Self.resourcePolicy] = "cross-origin"
            return response
        }
    }

    private static let resourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!

    /// The web app's policy, but framable by `frameAncestors` (every origin when empty).
    static func pagePolicy(frameAncestors origins: [String]) -> String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "
            + (origins.isEmpty ? "*" : origins.joined(separator: " "))
    }
}
