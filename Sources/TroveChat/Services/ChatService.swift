import TroveEmbed
import TroveEngine
import TroveJSON

/// What one `send` stored: the user message, the assistant reply, and the conversation
/// as it is after the exchange.
public struct Exchange: Sendable, Equatable {
    public var user: ChatMessage
    public var assistant: ChatMessage
    public var conversation: Conversation
}

/// Events of a streamed `send`: reply text as it comes, each tool step, then the stored
/// exchange once, last.
public enum SendEvent: Sendable, Equatable {
    case delta(String)
    case toolStep(ToolStep)
    case done(Exchange)
}

/// Sends a user message in a conversation: builds the context (system prompt, sliding
/// history window, cited passages, the message), calls the model — through the tool loop
/// when the agent has tools — and stores both messages with token usage, latency, model
/// and sources. A failed model call stores the user message with the error and no reply.
public struct ChatService: Sendable {
    let conversations: ConversationService
    let agents: AgentService
    let messages: MessageLog
    let retriever: Retriever
    let models: ChatModelRegistry
    let keys: AgentKeyVault
    let counter: any TokenCounter
    let responseCache: ResponseCache?
    let ids: IDGenerator
    /// History messages read for the window (older ones cannot fit any real budget).
    var historyLimit = 400

    public func send(owner: String, conversationID: String, text: String, attachments: [String] = []) async throws -> Exchange {
        try await run(owner: owner, conversationID: conversationID, text: text, attachments: attachments, visitor: false, events: nil)
    }

    /// A public bot's visitor's message (`BotChatService`): no attachments, and no tool
    /// that reads the owner's other conversations.
    func send(owner: String, conversationID: String, text: String, visitor: Bool) async throws -> Exchange {
        try await run(owner: owner, conversationID: conversationID, text: text, attachments: [], visitor: visitor, events: nil)
    }

    /// Stores a message without asking the model (importing history, or a turn written by
    /// another system): same checks and record as `send`'s user message, and the
    /// conversation's activity time and title move with it.
    public func append(owner: String, conversationID: String, role: ChatRole = .user, text: String) async throws -> ChatMessage {
        guard role == .user || role == .assistant else { throw ChatError.invalid(field: "$.role", reason: "user or assistant") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatError.invalid(field: "$.content", reason: "must not be empty") }
        guard text.utf8.count <= 1_000_000 else { throw ChatError.invalid(field: "$.content", reason: "longer than 1,000,000 bytes") }
        var conversation = try await conversations.get(owner: owner, id: conversationID)
        var message = ChatMessage(id: ids.next(), owner: owner, conversationID: conversationID, agentID: conversation.agentID, role: role,
                                  content: text, createdAt: RecordClock.now(),
                                  usage: TokenUsage(promptTokens: counter.count(text), completionTokens: 0, estimated: true))
        message.imported = true
        if conversation.title.isEmpty, role == .user { conversation.title = Conversation.title(from: text) }
        conversation.lastActivityAt = message.createdAt
        try await messages.append([message], conversation: conversation)
        return message
    }

    /// `send`, streamed. The stream throws what `send` throws.
    public func stream(owner: String, conversationID: String, text: String, attachments: [String] = []) -> AsyncThrowingStream<SendEvent, any Error> {
        stream(owner: owner, conversationID: conversationID, text: text, attachments: attachments, visitor: false)
    }

    func stream(owner: String, conversationID: String, text: String, attachments: [String] = [], visitor: Bool) -> AsyncThrowingStream<SendEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let exchange = try await run(owner: owner, conversationID: conversationID, text: text, attachments: attachments,
                                                 visitor: visitor, events: { continuation.yield($0) })
                    continuation.yield(.done(exchange))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run(owner: String, conversationID: String, text: String, attachments: [String], visitor: Bool,
                     events: (@Sendable (SendEvent) -> Void)?) async throws -> Exchange {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatError.invalid(field: "$.content", reason: "must not be empty") }
        guard text.utf8.count <= 1_000_000 else { throw ChatError.invalid(field: "$.content", reason: "longer than 1,000,000 bytes") }
        var conversation = try await conversations.get(owner: owner, id: conversationID)
        var agent = try await agentOf(conversation)
        if visitor { agent.tools.removeAll { $0 == "search_messages" } }
        for id in attachments {
            guard try await RecordQueries(database: messages.database).get(id, in: ChatCollections.files, owner: owner) != nil else {
                throw ChatError.notFound(kind: "file", id: id)
            }
        }
        let history = try await messages.recent(owner: owner, conversationID: conversationID, limit: historyLimit).reversed()
        let sources = try await passages(owner: owner, agent: agent, question: text, attachments: attachments)
        let context = ContextBuilder(counter: counter).build(
            systemPrompt: agent.systemPrompt, history: Array(history), sources: sources, user: text,
            contextBudget: agent.contextBudget, replyReserve: agent.maxOutputTokens)
        var user = ChatMessage(id: ids.next(), owner: owner, conversationID: conversationID, agentID: conversation.agentID, role: .user,
                               content: text, createdAt: RecordClock.now(),
                               usage: TokenUsage(promptTokens: counter.count(text), completionTokens: 0, estimated: true))
        user.attachments = attachments
        if conversation.title.isEmpty { conversation.title = Conversation.title(from: text) }
        let started = ContinuousClock.now
        // The cache keys on the request alone: an agent with its own endpoint or key must
        // not be answered from another endpoint's replies.
        let cache = agent.baseURL == nil && !agent.hasAPIKey ? responseCache : nil
        let loop = ToolLoop(models: models, keys: keys, counter: counter, responseCache: cache,
                            tools: ToolBox(retriever: retriever, messages: messages, retrieval: agent.retrieval))
        let outcome: ToolLoop.Outcome
        do {
            outcome = try await loop.run(agent: agent, owner: owner, turns: context.turns, promptTokens: context.tokens, events: events)
        } catch let error as ChatModelError {
            user.error = error.description
            conversation.lastActivityAt = user.createdAt
            try await messages.append([user], conversation: conversation)
            throw ChatError.provider(error, messageID: user.id)
        }
        let elapsed = ContinuousClock.now - started
        var reply = ChatMessage(id: ids.next(), owner: owner, conversationID: conversationID, agentID: conversation.agentID, role: .assistant,
                                content: outcome.completion.content, createdAt: RecordClock.now(), usage: outcome.usage)
        reply.model = outcome.completion.model.isEmpty ? outcome.modelName : outcome.completion.model
        reply.latencyMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        reply.sources = context.sources
        reply.steps = outcome.steps
        conversation.lastActivityAt = reply.createdAt
        try await messages.append([user, reply], conversation: conversation)
        return Exchange(user: user, assistant: reply, conversation: conversation)
    }

    private func agentOf(_ conversation: Conversation) async throws -> Agent {
        guard let id = conversation.agentID else { return Agent(id: "", owner: conversation.owner) }
        do {
            return try await agents.get(owner: conversation.owner, id: id)
        } catch ChatError.notFound {
            return Agent(id: "", owner: conversation.owner)
        }
    }

    /// Retrieval when the agent has it on, or from the attached files whatever the agent says.
    private func passages(owner: String, agent: Agent, question: String, attachments: [String]) async throws -> [Source] {
        guard agent.retrieval.enabled || !attachments.isEmpty else { return [] }
        var request = Retriever.Request(query: question, collections: agent.retrieval.collections, topK: agent.retrieval.topK,
                                        hybrid: agent.retrieval.hybrid, minScore: agent.retrieval.minScore,
                                        tokenBudget: max(0, (agent.contextBudget - agent.maxOutputTokens) / 2))
        request.fileIDs = attachments
        return try await retriever.retrieve(owner: owner, request)
    }
}

import Foundation
