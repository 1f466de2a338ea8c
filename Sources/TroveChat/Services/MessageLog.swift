import TroveEngine
import TroveJSON

/// A message search: text and/or a time range, across the owner's conversations or in one.
public struct MessageQuery: Sendable, Equatable {
    public enum Order: String, Sendable { case newest, relevance }

    public var text: String?
    /// How `text` reads: any text (`match`, the default) or the query-string language.
    public var syntax: TextSyntax = .match
    /// Microseconds since 1970, `[from, to)`.
    public var from: Int64?
    public var to: Int64?
    public var conversationID: String?
    /// Only messages of conversations with this agent (a public bot's visitors' included).
    public var agentID: String?
    public var order: Order = .newest
    public var limit = 20
    public var cursor: String?

    public init(text: String? = nil, from: Int64? = nil, to: Int64? = nil, conversationID: String? = nil) {
        self.text = text
        self.from = from
        self.to = to
        self.conversationID = conversationID
    }
}

/// A message found by a search, with the matching fragment highlighted.
public struct MessageHit: Sendable, Equatable {
    public var message: ChatMessage
    public var score: Double
    public var snippet: String?
}

/// Stored messages: the exchange of a send, history, search by text and time.
public struct MessageLog: Sendable {
    let database: Database
    var queries: RecordQueries { RecordQueries(database: database) }

    public func get(owner: String, id: String) async throws -> ChatMessage {
        guard let d = try await queries.get(id, in: ChatCollections.messages, owner: owner) else { throw ChatError.notFound(kind: "message", id: id) }
        return try ChatMessage(document: d)
    }

    /// The conversation's messages, oldest first, one page at a time.
    public func list(owner: String, conversationID: String, limit: Int = 100, cursor: String? = nil) async throws -> (messages: [ChatMessage], cursor: String?) {
        let page = try await queries.page(in: ChatCollections.messages, owner: owner, filters: [.equals(field: M.conversationID.rawValue, value: conversationID)],
                                          sort: M.createdAt.rawValue, descending: false, limit: max(1, min(limit, 1000)), cursor: cursor)
        return (try page.documents.map(ChatMessage.init(document:)), page.cursor)
    }

    /// The newest messages of a conversation, newest first, at most `limit` (for the context window).
    func recent(owner: String, conversationID: String, limit: Int) async throws -> [ChatMessage] {
        let page = try await queries.page(in: ChatCollections.messages, owner: owner, filters: [.equals(field: M.conversationID.rawValue, value: conversationID)],
                                          sort: M.createdAt.rawValue, descending: true, limit: limit, cursor: nil)
        return try page.documents.map(ChatMessage.init(document:))
    }

    /// Stores the messages of one exchange and the conversation's new activity time (and
    /// title) in one atomic batch.
    func append(_ messages: [ChatMessage], conversation: Conversation) async throws {
        var changes: [DatabaseChange] = messages.map { .put($0.document, in: ChatCollections.messages) }
        changes.append(.put(conversation.document, in: ChatCollections.conversations))
        try await database.apply(changes, tenant: conversation.owner)
    }

    /// Messages matching the query: newest first or most relevant first, with snippets.
    public func search(owner: String, _ query: MessageQuery) async throws -> (hits: [MessageHit], cursor: String?) {
        var filters: [QueryFilter] = []
        if let c = query.conversationID { filters.append(.equals(field: M.conversationID.rawValue, value: c)) }
        if let a = query.agentID { filters.append(.equals(field: M.agentID.rawValue, value: a)) }
        if query.from != nil || query.to != nil { filters.append(.range(field: M.createdAt.rawValue, from: query.from, to: query.to)) }
        let text = query.text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        var q = EngineQuery(text: text, filters: filters, limit: max(1, min(query.limit, 1000)))
        q.syntax = query.syntax
        q.textField = M.content.rawValue
        q.includeDocuments = true
        q.searchAfter = query.cursor
        if query.order == .newest || text == nil { q.sort = .field(M.createdAt.rawValue, descending: true) }
        if text != nil { q.snippetFields = [M.content.rawValue] }
        let page: SearchPage
        do {
            page = try await database.search(q, in: ChatCollections.messages, tenant: owner)
        } catch EngineError.badQuery(let why) {
            throw ChatError.invalid(field: "q", reason: why)
        }
        var hits: [MessageHit] = []
        for hit in page.hits {
            guard let d = hit.document else { continue }
            hits.append(MessageHit(message: try ChatMessage(document: d), score: hit.score, snippet: hit.snippets[M.content.rawValue]))
        }
        return (hits, page.cursor)
    }
}

import Foundation

private typealias M = ChatMessage.FieldName
