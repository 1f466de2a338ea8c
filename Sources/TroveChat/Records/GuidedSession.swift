import TroveEngine
import TroveJSON
import TroveStorage

/// A guided conversation that collects a bot's settings stage by stage (`BotBuilderStage`)
/// and, once confirmed, creates it. Kept in the engine, so it survives restarts; an active
/// session idle past `expiresAt` is abandoned by a sweep of that column (and reads as
/// abandoned at once), and `resume` makes it active again.
///
/// The collection has no tenant field, so one indexed query finds every owner's expired
/// sessions; `GuidedSessionService` checks the owner on every read instead.
public struct GuidedSession: Sendable, Equatable, StoredRecord {
    public enum Status: String, Sendable { case active, completed, abandoned }

    /// One turn of the session's conversation.
    public struct Turn: Sendable, Equatable {
        public var role: ChatRole
        public var content: String
        public var createdAt: Int64

        var json: JSONValue {
            .object([("role", .string(role.rawValue)), ("content", .string(content)), ("created_at", .string(RecordClock.rfc3339(createdAt)))])
        }
    }

    enum FieldName: String {
        case owner, kind, status, stage, fields, history, result
        case ttlSeconds = "ttl_seconds", createdAt = "created_at", updatedAt = "updated_at", expiresAt = "expires_at"
    }
    static let collection = "chat_guided_sessions"
    static let tenantField: FieldName? = nil
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.kind, .keyword), indexed(.status, .keyword),
        indexed(.createdAt, .timestamp), indexed(.expiresAt, .timestamp),
    ]
    public static let kinds = ["bot-builder"]

    public var id: String
    public var owner: String
    public var kind = "bot-builder"
    public var status = Status.active
    public var stage = BotBuilderStage.goals
    /// Per stage name, the fields it collected.
    public var fields: [JSONMember] = []
    public var history: [Turn] = []
    public var ttlSeconds: Int
    public var createdAt: Int64
    public var updatedAt: Int64
    public var expiresAt: Int64
    /// On completion: the system prompt, workflow, tools configuration and the agent made.
    public var result: JSONValue?

    /// A new session at `now` (the clock's, so the expiry cannot overflow: `ttlSeconds` is
    /// in `GuidedSessionService.ttlRange`).
    init(id: String, owner: String, ttlSeconds: Int, now: Int64) {
        self.init(id: id, owner: owner, ttlSeconds: ttlSeconds, createdAt: now, updatedAt: now, expiresAt: now + Int64(ttlSeconds) * 1_000_000)
    }

    private init(id: String, owner: String, ttlSeconds: Int, createdAt: Int64, updatedAt: Int64, expiresAt: Int64) {
        self.id = id
        self.owner = owner
        self.ttlSeconds = ttlSeconds
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    /// The status as of `now`: an active session past its expiry is abandoned even before
    /// the sweep has written so.
    func status(at now: Int64) -> Status { status == .active && expiresAt <= now ? .abandoned : status }

    func fields(of stage: BotBuilderStage) -> JSONValue? { fields.first { $0.key == stage.rawValue }?.value }

    mutating func record(_ value: JSONValue, for stage: BotBuilderStage) {
        fields.removeAll { $0.key == stage.rawValue }
        fields.append(JSONMember(stage.rawValue, value))
    }

    /// The API's JSON form now.
    public var json: JSONValue { json(at: RecordClock.now()) }

    /// The API's JSON form at `now`.
    public func json(at now: Int64) -> JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("session")), ("kind", .string(kind)), ("status", .string(status(at: now).rawValue)),
            ("stage", .string(stage.rawValue)), ("question", .string(stage.question)), ("fields", .object(fields)),
            ("history", .array(history.map(\.json))), ("ttl_seconds", .int(Int64(ttlSeconds))),
            ("expires_at", .string(RecordClock.rfc3339(expiresAt))), ("created_at", .string(RecordClock.rfc3339(createdAt))),
            ("updated_at", .string(RecordClock.rfc3339(updatedAt))), ("result", result ?? .null),
        ])
    }

    var document: Document {
        typealias N = FieldName
        var out: [Field] = [
            Field(N.owner, .string(owner)), Field(N.kind, .string(kind)), Field(N.status, .string(status.rawValue)),
            Field(N.stage, .string(stage.rawValue)), Field(N.fields, .json(.object(fields))),
            Field(N.history, .json(.array(history.map { .object([("role", .string($0.role.rawValue)), ("content", .string($0.content)), ("at", .int($0.createdAt))]) }))),
            Field(N.ttlSeconds, .int(Int64(ttlSeconds))), Field(N.createdAt, .timestamp(createdAt)), Field(N.updatedAt, .timestamp(updatedAt)),
            Field(N.expiresAt, .timestamp(expiresAt)),
        ]
        if let result { out.append(Field(N.result, .json(result))) }
        return Document(id: id, fields: out)
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        // Read as stored, nothing computed: a value valid by checksum but out of range
        // (a TTL of Int.max) is a corrupt record, never an overflow later.
        let ttl = try f.int(.ttlSeconds)
        guard GuidedSessionService.ttlRange.contains(ttl) else { throw f.corrupt(.ttlSeconds, "out of \(GuidedSessionService.ttlRange)") }
        self.init(id: d.id, owner: try f.string(.owner), ttlSeconds: ttl, createdAt: try f.timestamp(.createdAt),
                  updatedAt: try f.timestamp(.updatedAt), expiresAt: try f.timestamp(.expiresAt))
        kind = try f.string(.kind)
        guard let s = try f.enumValue(.status, Status.self) else { throw f.corrupt(.status, "missing") }
        status = s
        guard let st = try f.enumValue(.stage, BotBuilderStage.self) else { throw f.corrupt(.stage, "missing") }
        stage = st
        guard let object = try f.optionalJSON(.fields)?.objectValue else { throw f.corrupt(.fields, "expected an object") }
        fields = object
        guard let turns = try f.optionalJSON(.history)?.arrayValue else { throw f.corrupt(.history, "expected an array") }
        history = try turns.map { t throws(ChatError) in
            guard let role = t["role"]?.stringValue.flatMap(ChatRole.init(rawValue:)), let content = t["content"]?.stringValue,
                  let at = t["at"]?.intValue else { throw f.corrupt(.history, "a turn needs role, content and at") }
            return Turn(role: role, content: content, createdAt: Int64(at))
        }
        result = try f.optionalJSON(.result)
    }
}
