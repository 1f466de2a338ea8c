/// How the server listens and what it accepts.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest JSON body, in bytes.
    public var maxBodyBytes = 1 << 20
    /// Largest `_bulk` NDJSON body, in bytes: read as it arrives, never held whole.
    public var maxBulkBytes = 100 << 20
    /// Origins allowed by CORS (`*`: any); empty: no CORS headers (closed).
    public var corsOrigins: [String] = []
    /// Token bucket per user (all of a user's keys and tokens share it): sustained
    /// requests per second and burst size.
    public var rateLimitPerSecond = 50.0
    public var rateLimitBurst = 100.0
    /// Token bucket per client address for the routes that need no credential (login,
    /// signed downloads, health, metrics, the API document).
    public var publicRateLimitPerSecond = 20.0
    public var publicRateLimitBurst = 40.0
    /// Token bucket per public bot (all its visitors together), and per visitor session:
    /// messages per second and burst.
    public var botRateLimitPerSecond = 2.0
    public var botRateBurst = 20.0
    public var visitorRateLimitPerSecond = 0.5
    public var visitorRateBurst = 5.0
    /// Login attempts per client address per minute (also the burst).
    public var loginAttemptsPerMinute = 10.0
    /// Failed logins in a row that lock an account, and for how long.
    public var loginMaxFailures = 5
    public var loginLockoutSeconds = 900.0
    /// API keys one user may hold (revoked ones included: revoking does not free a place).
    public var maxKeysPerUser = 100
    /// Connections open at once; more are closed as soon as they are accepted.
    public var maxConnections = 512
    /// A connection that sends nothing for this long is closed.
    public var idleTimeoutSeconds = 60
    /// A request's head and body must arrive within this many seconds of its first byte
    /// (slow senders hold a connection and a file descriptor).
    public var requestReadSeconds = 60
    /// Seconds an access token lives.
    public var tokenLifetime = 3600
    /// bcrypt cost of stored passwords.
    public var bcryptCost: UInt8 = 12
    /// The JWT signing secret; nil: 32 random bytes kept in `data/secrets/jwt.key`.
    public var jwtSecret: String?

    public init() {}
}
