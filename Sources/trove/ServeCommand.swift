import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TroveChat
import TroveServer

/// `trove serve`: the HTTP API on the data folder, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server (REST + OpenAI-compatible /v1) on the data folder.",
                                                    discussion: ServerLimits.text)
    @OptionGroup var chat: ChatOptions
    // Each also from TROVE_<NAME> and the settings file's [server] table (see `settings`).
    @Option(name: .long, help: "Address to listen on (TROVE_HOST, server.host; default 127.0.0.1).") var host: String?
    @Option(name: .long, help: "Port, 0 for any free port (TROVE_PORT, server.port; default 8080).") var port: Int?
    @Option(name: .customLong("cors-origin"), help: "Allow this origin (repeat; TROVE_CORS_ORIGINS, server.cors_origins: comma-separated); default: no CORS.") var corsOrigin: [String] = []
    @Option(name: .customLong("rate-limit"), help: "Requests per second per user, all keys together (TROVE_RATE_LIMIT, server.rate_limit; default 50).") var rateLimit: Double?
    @Option(name: .customLong("rate-burst"), help: "Burst size of the token bucket (TROVE_RATE_BURST, server.rate_burst; default 100).") var rateBurst: Double?
    @Option(name: .customLong("public-rate-limit"), help: "Requests per second per client address on the routes without a credential (TROVE_PUBLIC_RATE_LIMIT, server.public_rate_limit; default 20).") var publicRateLimit: Double?
    @Option(name: .customLong("login-attempts"), help: "Login attempts per client address per minute (TROVE_LOGIN_ATTEMPTS, server.login_attempts; default 10).") var loginAttempts: Double?
    @Option(name: .customLong("max-connections"), help: "Connections open at once; more are closed at once (TROVE_MAX_CONNECTIONS, server.max_connections; default 512).") var maxConnections: Int?
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may send nothing before it is closed (TROVE_IDLE_TIMEOUT, server.idle_timeout; default 60).") var idleTimeout: Int?
    @Option(name: .customLong("request-timeout"), help: "Seconds a request's head and body may take to arrive (TROVE_REQUEST_TIMEOUT, server.request_timeout; default 60).") var requestTimeout: Int?
    @Option(name: .customLong("max-bulk-mb"), help: "Largest _bulk NDJSON body in MiB, 1 to 4096 (TROVE_MAX_BULK_MB, server.max_bulk_mb; default 100).") var maxBulkMB: Int?
    @Option(name: .customLong("max-keys"), help: "API keys one user may hold (TROVE_MAX_KEYS, server.max_keys; default 100).") var maxKeys: Int?

    func run() async throws {
        var logger = Logger(label: "trove")
        logger.logLevel = .info
        // A server answers many queries at once: splitting each vector scan over the
        // cores would only add hand-offs between them.
        // Settings first: a wrong one stops the server before the data folder is opened.
        let sources = try chat.settingSources()
        let chatSettings = try chat.resolvedSettings(from: sources)
        let settings = try self.settings(from: sources)
        let system = try await chat.open(settings: chatSettings, vectorThreads: 1)
        let api = try await TroveAPI.make(system: system, dataFolder: chat.data, settings: settings)
        if let admin = try await api.bootstrapAdmin(password: ProcessInfo.processInfo.environment["TROVE_ADMIN_PASSWORD"]) {
            if let generated = admin.generatedPassword {
                FileHandle.standardOutput.write(Data("admin account created: username admin, password \(generated) (shown once; set TROVE_ADMIN_PASSWORD to choose it)\n".utf8))
            } else {
                FileHandle.standardOutput.write(Data("admin account created: username admin, password from TROVE_ADMIN_PASSWORD\n".utf8))
            }
        }
        let app = api.application(logger: logger) { port in
            // Written straight to the descriptor: scripts wait for this line through a pipe.
            FileHandle.standardOutput.write(Data("trove listening on http://\(settings.host):\(port) (data \(chat.data))\n".utf8))
        }
        var lifecycle = ServiceGroupConfiguration(services: [app, SessionSweeper(sessions: system.sessions, logger: logger)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight requests get this long to finish; then they are cancelled (an upload's
        // extraction and embedding stop between steps, a running pdftotext is stopped).
        lifecycle.maximumGracefulShutdownDuration = .seconds(10)
        lifecycle.maximumCancellationDuration = .seconds(10)
        let group = ServiceGroup(configuration: lifecycle)
        try await group.run()
        try system.close()
        print("trove stopped; database closed")
    }

    /// The server's settings: every one from its flag, else its environment variable, else
    /// the settings file's `[server]` table, else its default (`SettingSources`).
    func settings(from: SettingSources) throws -> ServerSettings {
        var s = ServerSettings()
        s.host = try from.string(host, "TROVE_HOST", "server.host", default: "127.0.0.1")
        s.port = try from.int(port, "TROVE_PORT", "server.port", default: 8080)
        s.corsOrigins = try from.list(corsOrigin, "TROVE_CORS_ORIGINS", "server.cors_origins")
        s.rateLimitPerSecond = try from.double(rateLimit, "TROVE_RATE_LIMIT", "server.rate_limit", default: 50)
        s.rateLimitBurst = try from.double(rateBurst, "TROVE_RATE_BURST", "server.rate_burst", default: 100)
        guard s.rateLimitPerSecond > 0, s.rateLimitBurst >= 1 else { throw CLIError("the rate limit must be positive and the rate burst at least 1") }
        let publicRate = try from.double(publicRateLimit, "TROVE_PUBLIC_RATE_LIMIT", "server.public_rate_limit", default: 20)
        s.loginAttemptsPerMinute = try from.double(loginAttempts, "TROVE_LOGIN_ATTEMPTS", "server.login_attempts", default: 10)
        s.maxConnections = try from.int(maxConnections, "TROVE_MAX_CONNECTIONS", "server.max_connections", default: 512)
        s.idleTimeoutSeconds = try from.int(idleTimeout, "TROVE_IDLE_TIMEOUT", "server.idle_timeout", default: 60)
        s.requestReadSeconds = try from.int(requestTimeout, "TROVE_REQUEST_TIMEOUT", "server.request_timeout", default: 60)
        s.maxKeysPerUser = try from.int(maxKeys, "TROVE_MAX_KEYS", "server.max_keys", default: 100)
        let bulkMiB = try from.int(maxBulkMB, "TROVE_MAX_BULK_MB", "server.max_bulk_mb", default: 100)
        guard (1...4096).contains(bulkMiB) else { throw CLIError("the bulk body limit (--max-bulk-mb, TROVE_MAX_BULK_MB, server.max_bulk_mb) must be 1 to 4096 MiB") }
        s.maxBulkBytes = bulkMiB << 20
        guard (0...65_535).contains(s.port), publicRate > 0, s.loginAttemptsPerMinute >= 1, s.maxConnections >= 1, s.idleTimeoutSeconds >= 1,
              s.requestReadSeconds >= 1, s.maxKeysPerUser >= 1 else {
            throw CLIError("the port must be 0 to 65535, and the public rate limit, login attempts, max connections, idle timeout, request timeout and max keys positive")
        }
        s.publicRateLimitPerSecond = publicRate
        s.publicRateLimitBurst = publicRate * 2
        s.jwtSecret = try from.optionalString(nil, "TROVE_JWT_SECRET", "server.jwt_secret")
        return s
    }
}
