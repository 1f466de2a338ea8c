import TroveJSON
import TroveStorage

/// A conversation: an owner's thread of messages, optionally bound to an agent.
public struct Conversation: Sendable, Equatable {
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
            Field("owner", .string(owner)), Field("title", .string(title)), Field("created_at", .timestamp(createdAt)),
            Field("last_activity_at", .timestamp(lastActivityAt)), Field("titled", .bool(titled)),
        ]
        if let agentID { fields.append(Field("agent_id", .string(agentID))) }
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

    init(document d: Document) {
        id = d.id
        owner = d.string("owner") ?? ""
        agentID = d.string("agent_id")
        title = d.string("title") ?? ""
        titled = d.bool("titled") ?? !title.isEmpty
        createdAt = d.timestamp("created_at")
        lastActivityAt = d.timestamp("last_activity_at")
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
