import Hummingbird

/// Who is calling: a user, authenticated by a JWT or an API key.
public struct Principal: Sendable, Equatable {
    public var userID: String
    public var username: String
    public var role: Role
    /// The API key the call came with (for rate limiting by key); nil for a JWT.
    public var keyID: String?
}

/// The request context of every route: the core storage plus the principal the
/// authentication middleware found.
public struct TroveRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The peer's IP address (what public routes are rate-limited by).
    public let clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The principal; routes behind the middleware always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthorized("authentication required") }
        return principal
    }
}
