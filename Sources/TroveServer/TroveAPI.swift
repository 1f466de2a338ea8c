import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import TroveChat
import TroveEmbed
import TroveRemote

/// What the route handlers call: the chat services, the user directory, the token issuer
/// and the limits. Handlers decode, authorise, call one of these, and encode.
public struct TroveAPI: Sendable {
    public let system: ChatSystem
    /// Passwords (bcrypt) over the accounts.
    public let users: UserDirectory
    public let tokens: TokenIssuer
    public let settings: ServerSettings
    /// The data folder the system was opened on (for backups).
    let dataFolder: String
    let limiter: RateLimiter
    /// Per address, for the routes that need no credential.
    let publicLimiter: RateLimiter
    /// Per public bot, and per visitor session, for `/api/chat/…`.
    let botLimiter: RateLimiter
    let visitorLimiter: RateLimiter
    let logins: LoginThrottle
    let providerProbe: ProviderProbe
    /// cl100k_base, for embedding input sent as token ids: read once at start, or why not.
    let tokenVocabularyFile: Result<BPEVocabulary, APIError>

    /// Opens the user directory and the token secret in `dataFolder` (beside the chat
    /// services' data).
    public static func make(system: ChatSystem, dataFolder: String, settings: ServerSettings) async throws -> TroveAPI {
        if let configured = settings.jwtSecret, configured.utf8.count < 32 {
            throw APIError(status: .internalServerError, type: "server_error", message: "the JWT secret (TROVE_JWT_SECRET) must be at least 32 bytes; leave it unset to have one generated")
        }
        let secret = try settings.jwtSecret.map { Array($0.utf8) } ?? system.secrets.key("jwt.key")
        let accounts = try Accounts(system: system, maxKeysPerUser: settings.maxKeysPerUser)
        return TroveAPI(system: system, users: UserDirectory(accounts: accounts, bcryptCost: settings.bcryptCost),
                        tokens: await TokenIssuer(secret: secret, lifetime: settings.tokenLifetime), settings: settings, dataFolder: dataFolder,
                        limiter: RateLimiter(perSecond: settings.rateLimitPerSecond, burst: settings.rateLimitBurst),
                        publicLimiter: RateLimiter(perSecond: settings.publicRateLimitPerSecond, burst: settings.publicRateLimitBurst),
                        botLimiter: RateLimiter(perSecond: settings.botRateLimitPerSecond, burst: settings.botRateBurst),
                        visitorLimiter: RateLimiter(perSecond: settings.visitorRateLimitPerSecond, burst: settings.visitorRateBurst),
                        logins: LoginThrottle(maxFailures: settings.loginMaxFailures, lockoutSeconds: settings.loginLockoutSeconds,
                                              perAddressPerMinute: settings.loginAttemptsPerMinute, perAddressBurst: settings.loginAttemptsPerMinute),
                        providerProbe: ProviderProbe(settings: system.settings), tokenVocabularyFile: loadTokenVocabulary(system.settings.embedder.catalog))
    }

    /// The vocabulary of token-id embedding input, or a 400 saying how to install it.
    func tokenVocabulary() throws -> BPEVocabulary { try tokenVocabularyFile.get() }

    private static func loadTokenVocabulary(_ catalog: ModelCatalog) -> Result<BPEVocabulary, APIError> {
        guard let url = catalog.file(BPEVocabulary.cl100kFileName) else {
            return .failure(.badRequest("$.input: token-id input needs \(BPEVocabulary.cl100kFileName) beside the models (in \(catalog.searchPaths.map(\.path).joined(separator: ", "))); scripts/install-model.sh installs it, or send text", field: "$.input"))
        }
        do { return .success(try BPEVocabulary(contentsOf: url.path)) } catch {
            return .failure(APIError(status: .internalServerError, type: "server_error", message: "\(url.path): \(error)"))
        }
    }

    /// The account and API key records.
    public var accounts: Accounts { users.accounts }

    /// On first start (no users at all), creates the admin: the password is
    /// `TROVE_ADMIN_PASSWORD` or a generated one, returned so it can be printed once.
    public func bootstrapAdmin(password: String?) async throws -> (username: String, generatedPassword: String?)? {
        guard try await accounts.isEmpty else { return nil }
        let chosen = password.flatMap { $0.isEmpty ? nil : $0 }
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let generated = String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        _ = try await users.create(username: "admin", password: chosen ?? generated, role: .admin)
        return ("admin", chosen == nil ? generated : nil)
    }

    /// The application: every route, the middlewares, listening on the settings' address.
    public func application(logger: Logger = Logger(label: "trove.server"), onServerRunning: (@Sendable (Int) async -> Void)? = nil) -> some ApplicationProtocol {
        let connections = ConnectionCount(limit: settings.maxConnections)
        let readSeconds = settings.requestReadSeconds
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(count: connections, readSeconds: readSeconds)],
                                              idleTimeout: TimeAmount.seconds(Int64(settings.idleTimeoutSeconds)))
        return Application(router: router(), server: .http1(configuration: http),
                    configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "trove"),
                    onServerRunning: { channel in await onServerRunning?(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// Every route and middleware.
    public func router() -> Router<TroveRequestContext> {
        let router = Router(context: TroveRequestContext.self)
        _ = ServerMetrics.shared
        router.add(middleware: MetricsMiddleware())
        // CORS outside the error middleware: error answers carry its headers too (it
        // would wrap a thrown error into one the error middleware no longer recognises).
        if !settings.corsOrigins.isEmpty {
            let any = settings.corsOrigins.contains("*")
            if !any { router.add(middleware: PublicChatExemption(inner: OriginGate<TroveRequestContext>(origins: Set(settings.corsOrigins)))) }
            router.add(middleware: PublicChatExemption(inner: CORSMiddleware<TroveRequestContext>(
                allowOrigin: any ? .all : .originBased, allowHeaders: [.authorization, .contentType],
                allowMethods: [.get, .post, .put, .patch, .delete, .options])))
        }
        router.add(middleware: APIErrorMiddleware())
        addRoutes(to: router)
        return router
    }

    func addRoutes(to router: Router<TroveRequestContext>) {
        let open = router.group().add(middleware: AddressLimitMiddleware(limiter: publicLimiter))
        SystemRoutes(api: self).add(to: open)
        SystemDocs(api: self).add(to: open)
        WebRoutes().add(to: open)
        AuthRoutes(api: self).addPublic(to: open)
        FileRoutes(api: self).addPublic(to: open)
        BotChatRoutes(api: self).add(to: open)
        BotPageRoutes(api: self).add(to: open)
        let api = router.group().add(middleware: AuthMiddleware(api: self))
        AuthRoutes(api: self).addPrivate(to: api)
        UserRoutes(api: self).add(to: api)
        AgentRoutes(api: self).add(to: api)
        SessionRoutes(api: self).add(to: api)
        ConversationRoutes(api: self).add(to: api)
        OpenAIRoutes(api: self).add(to: api)
        FileRoutes(api: self).add(to: api)
        CollectionRoutes(api: self).add(to: api)
        CollectionQueryRoutes(api: self).add(to: api)
        AdminRoutes(api: self).add(to: api)
    }
}
