import Foundation
import TroveEngine
import TroveJSON

/// Chat with a public bot without an account. A visitor's first message opens a session:
/// one conversation of the bot's owner, bound to the bot, and a secret the visitor keeps
/// (`VisitorSession`). Every miss — an unknown bot, a private one, a forged session, a
/// session of another bot — is the same "not found", so nothing tells a prober what exists.
/// A visitor gets the bot's prompt, retrieval and tools except `search_messages` (which
/// searches every message of the owner, other visitors' included), and no attachments.
public struct BotChatService: Sendable {
    let database: Database
    let conversations: ConversationService
    let chat: ChatService
    let usage: UsageReport
    let ids: IDGenerator

    /// The longest visitor message, in bytes.
    public static let maxMessageBytes = 16_384

    /// The public bot `id`: an agent whose `public` is on.
    public func bot(_ id: String) throws -> Agent {
        guard RecordQueries.isPlausibleID(id), let d = try database.unscopedGet(id, in: ChatCollections.agents) else { throw Self.noBot(id) }
        let agent = try Agent(document: d)
        guard agent.bot.enabled else { throw Self.noBot(id) }
        return agent
    }

    /// Sends a visitor's message: in their session, or (nil) a new one. Returns the
    /// session's secret with the stored exchange.
    public func send(bot: Agent, sessionID: String?, text: String) async throws -> (sessionID: String, exchange: Exchange) {
        try Self.check(text)
        try await checkBudget(bot)
        let (secret, session) = try await open(bot: bot, sessionID: sessionID)
        do {
            return (secret, try await chat.send(owner: bot.owner, conversationID: session.conversationID, text: text, visitor: true))
        } catch ChatError.notFound(kind: "conversation", _) {
            throw Self.noSession
        } catch {
            // A first message that failed: the visitor never got the session's secret, so
            // the session and its conversation would be out of everyone's reach.
            if sessionID == nil { try? await discard(session, owner: bot.owner) }
            throw error
        }
    }

    /// `send`, streamed: the session is opened (or refused) before the stream starts.
    public func stream(bot: Agent, sessionID: String?, text: String) async throws -> (sessionID: String, events: AsyncThrowingStream<SendEvent, any Error>) {
        try Self.check(text)
        try await checkBudget(bot)
        let (secret, session) = try await open(bot: bot, sessionID: sessionID)
        return (secret, chat.stream(owner: bot.owner, conversationID: session.conversationID, text: text, visitor: true))
    }

    /// The session's messages, oldest first (at most `limit`, the newest ones).
    public func history(bot: Agent, sessionID: String, limit: Int = 100) async throws -> [ChatMessage] {
        let (_, session) = try await open(bot: bot, sessionID: sessionID)
        return try await chat.messages.recent(owner: bot.owner, conversationID: session.conversationID, limit: max(1, min(limit, 1000))).reversed()
    }

    /// Ends a session: its conversation and messages go with it, in one batch.
    public func end(bot: Agent, sessionID: String) async throws {
        let (_, session) = try await open(bot: bot, sessionID: sessionID)
        try await discard(session, owner: bot.owner)
    }

    private func discard(_ session: VisitorSession, owner: String) async throws {
        var changes: [DatabaseChange] = [.delete(id: session.id, in: VisitorSession.collection)]
        changes += (try? await conversations.deleteChanges(owner: owner, id: session.conversationID)) ?? []
        try await database.apply(changes, tenant: owner)
    }

    /// The session `sessionID` of this bot, or a new one (its conversation and record
    /// written in one batch).
    func open(bot: Agent, sessionID: String?) async throws -> (secret: String, session: VisitorSession) {
        guard let sessionID else {
            let secret = RandomToken.make(prefix: VisitorSession.secretPrefix)
            let now = RecordClock.now()
            let conversation = Conversation(id: ids.next(), owner: bot.owner, agentID: bot.id, title: "", titled: false, createdAt: now)
            let session = VisitorSession(id: RandomToken.sha256Hex(secret), owner: bot.owner, botID: bot.id, conversationID: conversation.id, createdAt: now)
            try await database.apply([.put(conversation.document, in: Conversation.collection), .put(session.document, in: VisitorSession.collection)],
                                     tenant: bot.owner)
            return (secret, session)
        }
        guard RandomToken.isWellFormed(sessionID, prefix: VisitorSession.secretPrefix),
              let d = try await database.get(RandomToken.sha256Hex(sessionID), in: VisitorSession.collection, tenant: bot.owner) else { throw Self.noSession }
        let session = try VisitorSession(document: d)
        guard session.botID == bot.id else { throw Self.noSession }
        return (sessionID, session)
    }

    /// Refuses a message when the bot's replies today (UTC) have used its daily budget.
    private func checkBudget(_ bot: Agent) async throws {
        guard let budget = bot.bot.dailyTokenBudget else { return }
        let now = RecordClock.now()
        let midnight = now - now % 86_400_000_000
        let used = try await usage.daily(owner: bot.owner, agentID: bot.id, from: midnight).reduce(0) { $0 + $1.totalTokens }
        let untilMidnight = Int((midnight + 86_400_000_000 - now) / 1_000_000) + 1
        guard used < budget else { throw ChatError.exhausted("this bot has used its tokens for today (UTC); try again after midnight", retryAfterSeconds: untilMidnight) }
    }

    static func check(_ text: String) throws(ChatError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatError.invalid(field: "$.message", reason: "must not be empty") }
        guard text.utf8.count <= maxMessageBytes else {
            throw ChatError.limitExceeded("$.message: \(text.utf8.count) bytes, over the \(maxMessageBytes) a visitor may send")
        }
    }

    static func noBot(_ id: String) -> ChatError { .notFound(kind: "bot", id: id) }
    /// Every miss of a session: forged, malformed, another bot's, ended, or its conversation gone.
    public static let noSession = ChatError.notFound(kind: "visitor session", id: "")
}
