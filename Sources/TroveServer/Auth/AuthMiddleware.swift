import Hummingbird

/// Finds the principal of a request from `Authorization: Bearer …` — an API key (`trv_…`)
/// or an access token — and refuses the request (401) when there is none or it does not
/// verify, or (429, `Retry-After`) when the user's token bucket is empty.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TroveRequestContext
    let api: TroveAPI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("missing 'Authorization: Bearer <token or API key>'")
        }
        let credential = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let principal: Principal
        // A page may carry a bot's publishable key: it is refused here, with the one thing it is for.
        if credential.hasPrefix("pk_") {
            throw APIError.unauthorized("a publishable key (pk_…) only chats with its bot: POST /api/chat/{bot_id}")
        }
        if credential.hasPrefix("trv_") {
            guard let (user, keyID) = try await api.accounts.resolveKey(credential) else { throw APIError.unauthorized("the API key is not valid or was revoked") }
            principal = Principal(userID: user.id, username: user.username, role: user.role, keyID: keyID)
        } else {
            guard let (userID, issuedAt) = await api.tokens.verify(credential), let user = try await api.accounts.get(userID), !user.disabled else {
                throw APIError.unauthorized("the access token is not valid or has expired")
            }
            // A token from before the last password change is over. `iat` has whole
            // seconds: the change's second is compared, so the new token still passes.
            if let changed = user.credentialsChangedAt, Int64(issuedAt.timeIntervalSince1970) < changed / 1_000_000 {
                throw APIError.unauthorized("the password changed since this token was issued; sign in again")
            }
            principal = Principal(userID: user.id, username: user.username, role: user.role, keyID: nil)
        }
        // Per user, not per key: minting keys must not multiply the rate.
        if let wait = api.limiter.take(principal.userID) { throw APIError.busy("too many requests: retry in \(wait) s", retryAfter: wait) }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

import Foundation

/// Limits the public routes (login, signed downloads, health, metrics, the API document)
/// per client address: they need no credential, so the address is all there is to count.
struct AddressLimitMiddleware: RouterMiddleware {
    typealias Context = TroveRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let wait = limiter.take(context.clientAddress) { throw APIError.busy("too many requests from this address: retry in \(wait) s", retryAfter: wait) }
        return try await next(request, context)
    }
}
