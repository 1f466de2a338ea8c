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
    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port (0: any free port).") var port = 8080
    @Option(name: .customLong("cors-origin"), help: "Allow this origin (repeat); default: no CORS.") var corsOrigin: [String] = []
    @Option(name: .customLong("rate-limit"), help: "Requests per second per user, all keys together (token bucket).") var rateLimit = 50.0
    @Option(name: .customLong("rate-burst"), help: "Burst size of the token bucket.") var rateBurst = 100.0
    @Option(name: .customLong("public-rate-limit"), help: "Requests per second per client address on the routes without a credential.") var publicRateLimit = 20.0
    @Option(name: .customLong("login-attempts"), help: "Login attempts per client address per minute.") var loginAttempts = 10.0
    @Option(name: .customLong("max-connections"), help: "Connections open at once; more are closed at once.") var maxConnections = 512
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may send nothing before it is closed.") var idleTimeout = 60
    @Option(name: .customLong("request-timeout"), help: "Seconds a request's head and body may take to arrive.") var requestTimeout = 60
    @Option(name: .customLong("max-keys"), help: "API keys one user may hold.") var maxKeys = 100

    func run() async throws {
        var logger = Logger(label: "trove")
        logger.logLevel = .info
        // A server answers many queries at once: splitting each vector scan over the
        // cores would only add hand-offs between them.
        let system = try await chat.open(vectorThreads: 1)
        var settings = ServerSettings()
        settings.host = host
        settings.port = port
        settings.corsOrigins = corsOrigin
        guard rateLimit > 0, rateBurst >= 1 else { throw CLIError("--rate-limit must be positive and --rate-burst at least 1") }
        settings.rateLimitPerSecond = rateLimit
        settings.rateLimitBurst = rateBurst
        guard publicRateLimit > 0, loginAttempts >= 1, maxConnections >= 1, idleTimeout >= 1, requestTimeout >= 1, maxKeys >= 1 else {
            throw CLIError("--public-rate-limit, --login-attempts, --max-connections, --idle-timeout, --request-timeout and --max-keys must be positive")
        }
        settings.publicRateLimitPerSecond = publicRateLimit
        settings.publicRateLimitBurst = publicRateLimit * 2
        settings.loginAttemptsPerMinute = loginAttempts
        settings.maxConnections = maxConnections
        settings.idleTimeoutSeconds = idleTimeout
        settings.requestReadSeconds = requestTimeout
        settings.maxKeysPerUser = maxKeys
        settings.jwtSecret = ProcessInfo.processInfo.environment["TROVE_JWT_SECRET"]
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
            FileHandle.standardOutput.write(Data("trove listening on http://\(host):\(port) (data \(chat.data))\n".utf8))
        }
        var lifecycle = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight requests get this long to finish; then they are cancelled (an upload's
        // extraction and embedding stop between steps, a running pdftotext is stopped).
        lifecycle.maximumGracefulShutdownDuration = .seconds(10)
        lifecycle.maximumCancellationDuration = .seconds(10)
        let group = ServiceGroup(configuration: lifecycle)
        try await group.run()
        try system.close()
        print("trove stopped; database closed")
    }
}
