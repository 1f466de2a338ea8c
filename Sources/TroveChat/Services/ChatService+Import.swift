import TroveJSON

/// One message of an existing history, brought in with its own time.
public struct ImportedMessage: Sendable, Equatable {
    public var role: ChatRole
    public var content: String
    /// Microseconds since 1970; nil: now.
    public var createdAt: Int64?

    public init(role: ChatRole, content: String, createdAt: Int64? = nil) {
        self.role = role
        self.content = content
        self.createdAt = createdAt
    }
}

extension ChatService {
    /// At most this many messages per import call.
    public static let maximumImport = 1_000

    /// Stores a history without asking the model, keeping each message's original time:
    /// every message is checked first and all are written in one atomic batch, or none.
    /// They are marked imported, so usage reports leave them out, as with `append`. The
    /// conversation's activity time moves to the newest of them when that is later, and an
    /// untitled conversation takes its title from the first user message.
    public func importMessages(owner: String, conversationID: String, _ items: [ImportedMessage]) async throws -> [ChatMessage] {
        guard !items.isEmpty, items.count <= Self.maximumImport else {
            throw ChatError.invalid(field: "$.messages", reason: "1 to \(Self.maximumImport) messages")
        }
        for (i, item) in items.enumerated() {
            let path = "$.messages[\(i)]"
            guard item.role == .user || item.role == .assistant else { throw ChatError.invalid(field: path + ".role", reason: "user or assistant") }
            guard !item.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ChatError.invalid(field: path + ".content", reason: "must not be empty")
            }
            guard item.content.utf8.count <= 1_000_000 else { throw ChatError.invalid(field: path + ".content", reason: "longer than 1,000,000 bytes") }
            if let t = item.createdAt, !Timestamp.range.contains(t) { throw ChatError.invalid(field: path + ".created_at", reason: "out of range") }
        }
        var conversation = try await conversations.get(owner: owner, id: conversationID)
        let messages = items.map { item in
            var message = ChatMessage(id: ids.next(), owner: owner, conversationID: conversationID, agentID: conversation.agentID, role: item.role,
                                      content: item.content, createdAt: item.createdAt ?? RecordClock.now(),
                                      usage: TokenUsage(promptTokens: counter.count(item.content), completionTokens: 0, estimated: true))
            message.imported = true
            return message
        }
        if conversation.title.isEmpty, let first = items.first(where: { $0.role == .user }) { conversation.title = Conversation.title(from: first.content) }
        conversation.lastActivityAt = max(conversation.lastActivityAt, messages.map(\.createdAt).max() ?? conversation.lastActivityAt)
        try await self.messages.append(messages, conversation: conversation)
        return messages
    }
}
