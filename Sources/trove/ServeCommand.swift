import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TroveChat
import TroveServer

/// `trove serve`: the HTTP API on the data folder, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server (REST + OpenAI-compatible /v1) on the data folder.")
    @OptionGroup var chat: ChatOptions
    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port (0: any free port).") var port = 8080
    @Option(name: .customLong("cors-origin"), help: "Allow this origin (repeat); default: no CORS.") var corsOrigin: [String] = []
    @Option(name: .customLong("rate-limit"), help: "Requests per second per API key or user (token bucket).") var rateLimit = 50.0
    @Option(name: .customLong("rate-burst"), help: "Burst size of the token bucket.") var rateBurst = 100.0

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
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try system.close()
        print("trove stopped; database closed")
    }
}
