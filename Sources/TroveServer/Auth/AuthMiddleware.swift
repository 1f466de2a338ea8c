import Hummingbird

/// Finds the principal of a request from `Authorization: Bearer …` — an API key (`trv_…`)
/// or an access token — and refuses the request (401) when there is none or it does not
/// verify, or (429, `Retry-After`) when the caller's token bucket is empty.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TroveRequestContext
    let api: TroveAPI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("missing 'Authorization: Bearer <token or API key>'")
        }
        let credential = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let principal: Principal
        if credential.hasPrefix("trv_") {
            guard let (user, keyID) = try await api.users.resolveKey(credential) else { throw APIError.unauthorized("the API key is not valid or was revoked") }
            principal = Principal(userID: user.id, username: user.username, role: user.role, keyID: keyID)
        } else {
            guard let userID = await api.tokens.verify(credential), let user = try await api.users.get(userID), !user.disabled else {
                throw APIError.unauthorized("the access token is not valid or has expired")
            }
            principal = Principal(userID: user.id, username: user.username, role: user.role, keyID: nil)
        }
        if let wait = api.limiter.take(principal.keyID ?? principal.userID) {
            var e = APIError(status: .tooManyRequests, type: "rate_limit_error", message: "too many requests: retry in \(wait) s", code: "rate_limited")
            e.headers[.retryAfter] = String(wait)
            throw e
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

import Foundation
