import TroveEngine
import TroveJSON
import TroveStorage

/// A conversation: an owner's thread of messages, optionally bound to an agent.
public struct Conversation: Sendable, Equatable, StoredRecord {
    enum FieldName: String {
        case owner, title, titled
        case agentID = "agent_id", createdAt = "created_at", lastActivityAt = "last_activity_at"
    }
    static let collection = "chat_conversations"
    static let tenantField: FieldName? = .owner
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.agentID, .keyword), indexed(.title, .text(analyzer: .standard, phrases: false)),
        indexed(.createdAt, .timestamp), indexed(.lastActivityAt, .timestamp),
    ]

    public var id: String
    public var owner: String
    public var agentID: String?
    public var title: String
    /// Whether the title was given (else it is made from the first exchange).
    public var titled: Bool
    public var createdAt: Int64
    public var lastActivityAt: Int64

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("conversation")), ("agent_id", agentID.map(JSONValue.string) ?? .null),
            ("title", .string(title)), ("created_at", .string(RecordClock.rfc3339(createdAt))),
            ("last_activity_at", .string(RecordClock.rfc3339(lastActivityAt))),
        ])
    }

    var document: Document {
        var fields: [Field] = [
            Field(FieldName.owner, .string(owner)), Field(FieldName.title, .string(title)), Field(FieldName.createdAt, .timestamp(createdAt)),
            Field(FieldName.lastActivityAt, .timestamp(lastActivityAt)), Field(FieldName.titled, .bool(titled)),
        ]
        if let agentID { fields.append(Field(FieldName.agentID, .string(agentID))) }
        return Document(id: id, fields: fields)
    }

    init(id: String, owner: String, agentID: String?, title: String, titled: Bool, createdAt: Int64) {
        self.id = id
        self.owner = owner
        self.agentID = agentID
        self.title = title
        self.titled = titled
        self.createdAt = createdAt
        self.lastActivityAt = createdAt
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        id = d.id
        owner = try f.string(.owner)
        agentID = try f.optionalString(.agentID)
        title = try f.string(.title)
        titled = try f.optionalBool(.titled) ?? !title.isEmpty
        createdAt = try f.timestamp(.createdAt)
        lastActivityAt = try f.timestamp(.lastActivityAt)
    }

    /// A title from the first user message: its first words, at most 60 characters.
    static func title(from text: String) -> String {
        var out = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            let next = out.isEmpty ? String(word) : out + " " + word
            if next.count > 60 { break }
            out = next
        }
        if out.isEmpty { out = String(text.prefix(60)) }
        return out.isEmpty ? "New conversation" : out
    }
}
