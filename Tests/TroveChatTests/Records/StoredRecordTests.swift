import Foundation
import Testing
@testable import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage

/// Records map themselves: each comes back from its document unchanged, and a document
/// with a required field missing or any field of the wrong type is a typed error naming
/// the collection, record and field. Before, such a message came back with empty
/// content and role "user", and an account with an empty username.
@Suite struct StoredRecordTests {
    static func message() -> ChatMessage {
        var m = ChatMessage(id: "m1", owner: "alice", conversationID: "c1", agentID: "a1", role: .assistant, content: "Hello, café ☕",
                            createdAt: 1_700_000_000_000_001, usage: TokenUsage(promptTokens: 12, completionTokens: 3, totalTokens: 15))
        m.model = "standin"
        m.latencyMilliseconds = 42
        m.sources = [Source(number: 1, fileID: "f1", fileName: "notes.md", collection: "files", chunk: 2, start: 10, end: 90,
                            text: "the passage", score: 0.5, similarity: 0.8)]
        m.attachments = ["f1", "f2"]
        return m
    }

    @Test func everyRecordComesBackFromItsDocument() throws {
        let m = Self.message()
        #expect(try ChatMessage(document: m.document) == m)
        var c = Conversation(id: "c1", owner: "alice", agentID: nil, title: "Pelicans", titled: true, createdAt: 5)
        c.lastActivityAt = 9
        #expect(try Conversation(document: c.document) == c)
        var f = StoredFile(id: "f1", owner: "alice", name: "a.pdf", sha256: String(repeating: "ab", count: 32), contentType: .pdf,
                           size: 1234, collection: "docs", createdAt: 7)
        f.status = .failed
        f.error = "no text"
        #expect(try StoredFile(document: f.document) == f)
        var a = Agent(id: "a1", owner: "alice")
        try a.apply(JSONParser.parse(#"{"name": "Docs", "temperature": 0.2, "tools": ["calculator"], "retrieval": {"enabled": true, "top_k": 3}}"#),
                    keys: AgentKeyVault(key: Array(repeating: 1, count: 32)))
        #expect(try Agent(document: a.document) == a)
        try a.apply(JSONParser.parse(#"""
            {"base_url": "https://llm.example/v1", "api_key": "sk-1", "public": true, "allowed_origins": ["https://a.example"],
             "widget": {"title": "Hi", "color": "#00aa00", "position": "bottom-left"}, "daily_token_budget": 5000}
            """#), keys: AgentKeyVault(key: Array(repeating: 1, count: 32)))
        #expect(a.hasAPIKey && a.bot.enabled && a.bot.widget.position == .bottomLeft)
        #expect(try Agent(document: a.document) == a, "the bot's fields read back")
        let user = UserRecord(account: UserAccount(id: "u1", username: "ann", role: .admin, disabled: true, createdAt: 3), passwordHash: "$2b$12$x")
        let back = try UserRecord(document: user.document)
        #expect(back.account == user.account && back.passwordHash == user.passwordHash)
        let key = APIKeyRecord(info: APIKeyInfo(id: "k1", name: "laptop", prefix: "trv_abcd", revoked: false, createdAt: 4), userID: "u1",
                               secretSHA256: APIKeyRecord.digest(of: "trv_secret"))
        let keyBack = try APIKeyRecord(document: key.document)
        #expect(keyBack.info == key.info && keyBack.userID == "u1" && keyBack.secretSHA256.count == 64)
    }

    /// `document` with field `name` replaced by `value` (nil: removed).
    static func replacing(_ document: Document, _ name: String, with value: FieldValue?) -> Document {
        var fields = document.fields.filter { $0.name != name }
        if let value { fields.append(Field(name, value)) }
        return Document(id: document.id, fields: fields)
    }

    @Test func missingOrWronglyTypedFieldsAreTypedErrors() throws {
        let d = Self.message().document
        let cases: [(String, FieldValue?, String)] = [
            ("content", nil, "missing"), ("content", .int(7), "expected a string"), ("role", .string("wizard"), "unknown value 'wizard'"),
            ("role", nil, "missing"), ("created_at", .string("yesterday"), "expected a timestamp"), ("owner", nil, "missing"),
            ("prompt_tokens", .string("12"), "expected an integer"), ("sources", .json(.string("x")), "expected an array"),
            ("sources", .json(.array([.object([("number", .int(1))])])), "item 0 is malformed"),
            ("attachments", .json(.array([.int(1)])), "expected strings"),
        ]
        for (name, value, reason) in cases {
            #expect(throws: ChatError.corruptRecord(collection: "chat_messages", id: "m1", field: name, reason: reason)) {
                try ChatMessage(document: Self.replacing(d, name, with: value))
            }
        }
        let user = UserRecord(account: UserAccount(id: "u1", username: "ann", role: .user, disabled: false, createdAt: 3), passwordHash: "h").document
        #expect(throws: ChatError.corruptRecord(collection: "auth_users", id: "u1", field: "username", reason: "missing")) {
            try UserRecord(document: Self.replacing(user, "username", with: nil))
        }
        #expect(throws: ChatError.corruptRecord(collection: "auth_users", id: "u1", field: "role", reason: "unknown value 'root'")) {
            try UserRecord(document: Self.replacing(user, "role", with: .string("root")))
        }
        var agent = Agent(id: "a1", owner: "alice")
        agent.name = "A"
        #expect(throws: ChatError.self) { try Agent(document: Self.replacing(agent.document, "retrieval", with: .json(.object([("top_k", .string("5"))])))) }
    }

    /// Values valid by checksum and type but wrong: a stored origin that would rewrite the
    /// chat page's CSP header, a TTL whose expiry would overflow, sealed bytes of another
    /// agent. Each is a corrupt record, never a trap or a header.
    @Test func botAndSessionValuesOutOfRangeAreCorruptRecords() throws {
        var agent = Agent(id: "a1", owner: "alice")
        agent.name = "A"
        let origins = JSONValue.array([.string("https://ok.example"), .string("https://x.example; script-src *")])
        #expect(throws: ChatError.corruptRecord(collection: "chat_agents", id: "a1", field: "allowed_origins", reason: "'https://x.example; script-src *' is not an origin")) {
            try Agent(document: Self.replacing(agent.document, "allowed_origins", with: .json(origins)))
        }
        let vault = AgentKeyVault(key: Array(repeating: 3, count: 32))
        let other = try vault.seal("sk-other", agentID: "a2")
        let stolen = try Agent(document: Self.replacing(agent.document, "api_key_sealed", with: .bytes(other)))
        #expect(throws: ChatError.self) { try vault.apiKey(of: stolen) }
        let session = GuidedSession(id: "s1", owner: "alice", ttlSeconds: 60, now: 1_000)
        #expect(try GuidedSession(document: session.document) == session)
        for ttl in [Int64.max, 0, -5] {
            #expect(throws: ChatError.corruptRecord(collection: "chat_guided_sessions", id: "s1", field: "ttl_seconds", reason: "out of 1...604800")) {
                try GuidedSession(document: Self.replacing(session.document, "ttl_seconds", with: .int(ttl)))
            }
        }
        #expect(throws: ChatError.self) { try GuidedSession(document: Self.replacing(session.document, "stage", with: .string("nowhere"))) }
        #expect(throws: ChatError.self) { try GuidedSession(document: Self.replacing(session.document, "history", with: .json(.array([.object([("role", .string("user"))])])))) }
    }

    /// Fields added after the first release read with the default they had then, and a
    /// null reads as absent.
    @Test func laterFieldsHaveTheirOldDefaults() throws {
        var d = Self.message().document
        for name in ["usage_estimated", "status", "latency_ms", "model", "agent_id"] { d = Self.replacing(d, name, with: nil) }
        d = Self.replacing(d, "error", with: .null)
        let m = try ChatMessage(document: d)
        #expect(!m.usage.estimated && !m.imported && m.model == nil && m.agentID == nil && m.error == nil)
        let f = StoredFile(id: "f1", owner: "o", name: "n", sha256: "s", contentType: .txt, size: 1, collection: "files", createdAt: 1).document
        let old = try StoredFile(document: Self.replacing(Self.replacing(Self.replacing(f, "chunks", with: nil), "status", with: nil), "collection", with: nil))
        #expect(old.chunks == 0 && old.status == .stored && old.collection == KnowledgeCollection.defaultName)
    }

    /// Through the service: a stored message damaged in value (valid by checksum) is an
    /// error when listed, not a message shown as the user's.
    @Test func aDamagedStoredMessageIsReportedByTheService() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        let c = try await s.conversations.create(owner: "alice")
        _ = try await s.chat.send(owner: "alice", conversationID: c.id, text: "hello there")
        let stored = try await s.messages.list(owner: "alice", conversationID: c.id).messages
        #expect(stored.count == 2)
        // The engine checks schema types, so the damage is one it cannot see: a role no
        // version wrote, and sources that are not an array.
        let damaged = Self.replacing(Self.replacing(stored[0].document, "role", with: .string("wizard")), "sources", with: .json(.string("x")))
        try await s.database.put(damaged, in: ChatCollections.messages, tenant: "alice")
        await #expect(throws: ChatError.corruptRecord(collection: "chat_messages", id: stored[0].id, field: "role", reason: "unknown value 'wizard'")) {
            try await s.messages.list(owner: "alice", conversationID: c.id)
        }
        await #expect(throws: ChatError.self) { try await s.messages.get(owner: "alice", id: stored[0].id) }
        #expect(try await s.messages.get(owner: "alice", id: stored[1].id).content == stored[1].content)
    }
}
