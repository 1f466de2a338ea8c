import Foundation
import JWTKit

/// The claims of an access token.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var role: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Access tokens: JWTs signed with HS256 under a secret from the settings or, when none
/// is configured, 32 random bytes kept in `data/secrets/jwt.key`. Only HS256 with this
/// key verifies: tokens with another algorithm (`none`, RS256…), a changed payload, or
/// past their expiry are refused.
public struct TokenIssuer: Sendable {
    private let keys: JWTKeyCollection
    /// Seconds a token lives.
    public let lifetime: Int

    public init(secret: [UInt8], lifetime: Int = 3600) async {
        keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.lifetime = lifetime
    }

    /// A token for the user, and its lifetime in seconds.
    public func issue(userID: String, role: Principal.Role, now: Date = Date()) async throws -> String {
        let claims = AccessClaims(sub: .init(value: userID), exp: .init(value: now.addingTimeInterval(TimeInterval(lifetime))),
                                  iat: .init(value: now), role: role.rawValue)
        return try await keys.sign(claims)
    }

    /// The user id a token names and when it was issued, or nil when it does not verify.
    public func verify(_ token: String) async -> (userID: String, issuedAt: Date)? {
        guard let claims = try? await keys.verify(token, as: AccessClaims.self) else { return nil }
        return (claims.sub.value, claims.iat.value)
    }
}
