import TroveEngine
import TroveJSON

/// Conversations: create (optionally bound to an agent), list by last activity, rename,
/// delete with their messages in one atomic batch.
public struct ConversationService: Sendable {
    let database: Database
    let ids: IDGenerator
    let agents: AgentService
    var queries: RecordQueries { RecordQueries(database: database) }

    public func create(owner: String, agentID: String? = nil, title: String? = nil) async throws -> Conversation {
        if let agentID { _ = try await agents.get(owner: owner, id: agentID) }
        if let title { try Self.check(title: title) }
        let c = Conversation(id: ids.next(), owner: owner, agentID: agentID, title: title ?? "", titled: title != nil, createdAt: RecordClock.now())
        try await database.put(c.document, in: ChatCollections.conversations, tenant: owner)
        return c
    }

    public func get(owner: String, id: String) async throws -> Conversation {
        guard let d = try await queries.get(id, in: ChatCollections.conversations, owner: owner) else {
            throw ChatError.notFound(kind: "conversation", id: id)
        }
        return try Conversation(document: d)
    }

    /// Most recently active first; only the agent's when `agentID` is given.
    public func list(owner: String, agentID: String? = nil, limit: Int = 50, cursor: String? = nil) async throws -> (conversations: [Conversation], cursor: String?) {
        let filters: [QueryFilter] = agentID.map { [.equals(field: Conversation.FieldName.agentID.rawValue, value: $0)] } ?? []
        let page = try await queries.page(in: ChatCollections.conversations, owner: owner, filters: filters, sort: Conversation.FieldName.lastActivityAt.rawValue,
                                          descending: true, limit: max(1, min(limit, 1000)), cursor: cursor)
        return (try page.documents.map(Conversation.init(document:)), page.cursor)
    }

    public func rename(owner: String, id: String, title: String) async throws -> Conversation {
        try Self.check(title: title)
        var c = try await get(owner: owner, id: id)
        c.title = title
        c.titled = true
        try await database.put(c.document, in: ChatCollections.conversations, tenant: owner)
        return c
    }

    /// Deletes the conversation and all its messages (their token usage with them) in one
    /// batch: a crash leaves all of them or none.
    public func delete(owner: String, id: String) async throws {
        try await database.apply(try await deleteChanges(owner: owner, id: id), tenant: owner)
    }

    /// The changes that delete the conversation and its messages, for a batch of the caller's.
    func deleteChanges(owner: String, id: String) async throws -> [DatabaseChange] {
        _ = try await get(owner: owner, id: id)
        let messages = try await queries.all(in: ChatCollections.messages, owner: owner, filters: [.equals(field: ChatMessage.FieldName.conversationID.rawValue, value: id)],
                                             sort: ChatMessage.FieldName.createdAt.rawValue)
        return [.delete(id: id, in: ChatCollections.conversations)] + messages.map { .delete(id: $0.id, in: ChatCollections.messages) }
    }

    static func check(title: String) throws(ChatError) {
        guard title.utf8.count <= 500 else { throw ChatError.invalid(field: "$.title", reason: "longer than 500 bytes") }
    }
}
