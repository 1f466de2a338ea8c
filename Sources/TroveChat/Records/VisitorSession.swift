import TroveEngine
import TroveStorage

/// A visitor's chat with a public bot: one conversation of the bot's owner. The visitor
/// holds the session's secret (`vs_` + 40 base32 characters, 200 random bits); the record's
/// id is that secret's SHA-256, so the data folder cannot hand it out, and ids made by
/// `IDGenerator` (time and a counter, guessable) never reach a visitor.
struct VisitorSession: Sendable, Equatable, StoredRecord {
    enum FieldName: String {
        case owner
        case botID = "bot_id", conversationID = "conversation_id", createdAt = "created_at"
    }
    static let collection = "chat_visitor_sessions"
    static let tenantField: FieldName? = .owner
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.botID, .keyword), indexed(.conversationID, .keyword), indexed(.createdAt, .timestamp),
    ]
    static let secretPrefix = "vs_"

    /// The SHA-256 (hex) of the visitor's secret.
    let id: String
    let owner: String
    let botID: String
    let conversationID: String
    let createdAt: Int64

    init(id: String, owner: String, botID: String, conversationID: String, createdAt: Int64) {
        self.id = id
        self.owner = owner
        self.botID = botID
        self.conversationID = conversationID
        self.createdAt = createdAt
    }

    var document: Document {
        Document(id: id, fields: [
            Field(FieldName.owner, .string(owner)), Field(FieldName.botID, .string(botID)),
            Field(FieldName.conversationID, .string(conversationID)), Field(FieldName.createdAt, .timestamp(createdAt)),
        ])
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        self.init(id: d.id, owner: try f.string(.owner), botID: try f.string(.botID), conversationID: try f.string(.conversationID),
                  createdAt: try f.timestamp(.createdAt))
    }
}
