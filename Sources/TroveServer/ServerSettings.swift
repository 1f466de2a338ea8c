/// How the server listens and what it accepts.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest JSON body, in bytes.
    public var maxBodyBytes = 1 << 20
    /// Origins allowed by CORS (`*`: any); empty: no CORS headers (closed).
    public var corsOrigins: [String] = []
    /// Token bucket per API key or user: sustained requests per second and burst size.
    public var rateLimitPerSecond = 50.0
    public var rateLimitBurst = 100.0
    /// Seconds an access token lives.
    public var tokenLifetime = 3600
    /// bcrypt cost of stored passwords.
    public var bcryptCost: UInt8 = 12
    /// The JWT signing secret; nil: 32 random bytes kept in `data/secrets/jwt.key`.
    public var jwtSecret: String?

    public init() {}
}
