import TroveEngine
import TroveJSON

/// Guided sessions (`GuidedSession`): a bot-builder conversation that moves through
/// `BotBuilderStage`s. Each message goes to the configured chat model with the stage's
/// instructions and a `record_fields` tool whose schema is the stage's fields; valid fields
/// move the session on, invalid ones are asked for again, and the confirmed review creates
/// the agent. A model failure changes nothing.
///
/// One message at a time per session: once the owner is checked, the session is marked
/// busy in the actor's turn and read again, so a second message, a resume or the sweep
/// refuse or skip it rather than overwrite what the first writes after its model call
/// (and another user is told "not found" before any claim, never "busy").
public actor GuidedSessionService {
    let database: Database
    let agents: AgentService
    let models: ChatModelRegistry
    let ids: IDGenerator
    /// Idle time before an active session is abandoned, unless one is asked for.
    let defaultTTLSeconds: Int
    private var busy: Set<String> = []

    public static let maxMessageBytes = 16_384
    public static let maxTurns = 200
    public static let ttlRange = 1...604_800
    static let tool = "record_fields"

    init(database: Database, agents: AgentService, models: ChatModelRegistry, ids: IDGenerator, defaultTTLSeconds: Int) {
        self.database = database
        self.agents = agents
        self.models = models
        self.ids = ids
        self.defaultTTLSeconds = defaultTTLSeconds
    }

    public func create(owner: String, kind: String, ttlSeconds: Int?) async throws -> GuidedSession {
        guard GuidedSession.kinds.contains(kind) else { throw ChatError.invalid(field: "$.kind", reason: "one of: \(GuidedSession.kinds.joined(separator: ", "))") }
        let ttl = ttlSeconds ?? defaultTTLSeconds
        guard Self.ttlRange.contains(ttl) else { throw ChatError.invalid(field: "$.ttl_seconds", reason: "\(Self.ttlRange.lowerBound) to \(Self.ttlRange.upperBound) seconds") }
        var session = GuidedSession(id: ids.next(), owner: owner, ttlSeconds: ttl, now: RecordClock.now())
        session.history.append(.init(role: .assistant, content: session.stage.question, createdAt: session.createdAt))
        try await database.put(session.document, in: GuidedSession.collection)
        return session
    }

    public func get(owner: String, id: String) async throws -> GuidedSession { try await load(owner: owner, id: id) }

    /// Sends the owner's message; returns the session after it and the reply.
    public func message(owner: String, id: String, text: String) async throws -> (session: GuidedSession, reply: String) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatError.invalid(field: "$.content", reason: "must not be empty") }
        guard text.utf8.count <= Self.maxMessageBytes else { throw ChatError.limitExceeded("$.content: \(text.utf8.count) bytes, over \(Self.maxMessageBytes)") }
        var session = try await claimed(owner: owner, id: id)
        defer { busy.remove(id) }
        let now = RecordClock.now()
        guard session.status(at: now) == .active else {
            throw ChatError.conflict(field: "status", reason: "the session is \(session.status(at: now).rawValue)\(session.status(at: now) == .abandoned ? ": resume it first" : "")")
        }
        guard session.history.count + 2 <= Self.maxTurns else { throw ChatError.limitExceeded("a session holds at most \(Self.maxTurns) turns") }
        let completion = try await ask(session, text)
        let (reply, agent) = try advance(&session, completion)
        let at = RecordClock.now()
        session.history.append(.init(role: .user, content: text, createdAt: at))
        session.history.append(.init(role: .assistant, content: reply, createdAt: at))
        session.updatedAt = at
        session.expiresAt = at + Int64(session.ttlSeconds) * 1_000_000
        // The completed session and the bot it made in one batch: a crash between two
        // writes would leave the session at review, and the next "yes" would make a second bot.
        var changes: [DatabaseChange] = [.put(session.document, in: GuidedSession.collection)]
        if let agent { changes.insert(.put(agent.document, in: ChatCollections.agents), at: 0) }
        try await database.apply(changes, tenant: owner)
        return (session, reply)
    }

    /// Makes an abandoned session active again, its idle time counted from now (and, when
    /// given, `ttlSeconds` its new idle time).
    public func resume(owner: String, id: String, ttlSeconds: Int? = nil) async throws -> GuidedSession {
        if let ttlSeconds, !Self.ttlRange.contains(ttlSeconds) {
            throw ChatError.invalid(field: "$.ttl_seconds", reason: "\(Self.ttlRange.lowerBound) to \(Self.ttlRange.upperBound) seconds")
        }
        var session = try await claimed(owner: owner, id: id)
        defer { busy.remove(id) }
        let now = RecordClock.now()
        guard session.status != .completed else { throw ChatError.conflict(field: "status", reason: "the session is completed") }
        session.status = .active
        session.ttlSeconds = ttlSeconds ?? session.ttlSeconds
        session.updatedAt = now
        session.expiresAt = now + Int64(session.ttlSeconds) * 1_000_000
        try await database.put(session.document, in: GuidedSession.collection)
        return session
    }

    public func delete(owner: String, id: String) async throws {
        _ = try await claimed(owner: owner, id: id)
        defer { busy.remove(id) }
        _ = try await database.delete(id, in: GuidedSession.collection)
    }

    /// The owner's sessions, newest first.
    public func list(owner: String, limit: Int = 50) async throws -> [GuidedSession] {
        var q = EngineQuery(filters: [.equals(field: GuidedSession.FieldName.owner.rawValue, value: owner)], limit: max(1, min(limit, 1000)))
        q.sort = .field(GuidedSession.FieldName.createdAt.rawValue, descending: true)
        q.includeDocuments = true
        return try await database.search(q, in: GuidedSession.collection).hits.compactMap { try $0.document.map(GuidedSession.init(document:)) }
    }

    /// Marks every active session whose `expires_at` has passed abandoned (one indexed
    /// query on the column, then one write per session, each re-read first); returns how many.
    @discardableResult
    public func sweep(now given: Int64? = nil) async throws -> Int {
        let now = given ?? RecordClock.now()
        var q = EngineQuery(filters: [.equals(field: GuidedSession.FieldName.status.rawValue, value: GuidedSession.Status.active.rawValue),
                                      .range(field: GuidedSession.FieldName.expiresAt.rawValue, from: nil, to: now)], limit: 1000)
        q.includeDocuments = false
        var swept = 0
        for hit in try await database.search(q, in: GuidedSession.collection).hits where !busy.contains(hit.id) {
            busy.insert(hit.id)
            defer { busy.remove(hit.id) }
            // A record that does not read is left for the operator (`trove verify` and the
            // API report it); it must not stop the others from being swept.
            guard let d = try await database.get(hit.id, in: GuidedSession.collection), var session = try? GuidedSession(document: d) else { continue }
            guard session.status == .active, session.expiresAt <= now else { continue }
            session.status = .abandoned
            try await database.put(session.document, in: GuidedSession.collection)
            swept += 1
        }
        return swept
    }

    /// The owner's session `id`, claimed for this call (the caller releases it) and read
    /// after the claim, so what it holds is what no one else is changing.
    private func claimed(owner: String, id: String) async throws -> GuidedSession {
        _ = try await load(owner: owner, id: id)
        guard !busy.contains(id) else { throw ChatError.busy("the session is answering another message; try again when it has") }
        busy.insert(id)
        do {
            return try await load(owner: owner, id: id)
        } catch {
            busy.remove(id)
            throw error
        }
    }

    private func load(owner: String, id: String) async throws -> GuidedSession {
        guard RecordQueries.isPlausibleID(id), let d = try await database.get(id, in: GuidedSession.collection) else {
            throw ChatError.notFound(kind: "session", id: id)
        }
        let session = try GuidedSession(document: d)
        guard session.owner == owner else { throw ChatError.notFound(kind: "session", id: id) }
        return session
    }
}
