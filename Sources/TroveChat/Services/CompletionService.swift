/// Stateless completions for the OpenAI-compatible API: the caller sends the whole
/// message list. `model` is a model id of the configured provider, or the id of one of
/// the caller's agents — then the agent's system prompt goes first, its retrieval adds
/// cited passages before the last user message, and its provider, model and sampling
/// settings apply (the request's own settings win where given).
public struct CompletionService: Sendable {
    let agents: AgentService
    let retriever: Retriever
    let models: ChatModelRegistry
    let keys: AgentKeyVault
    let counter: any TokenCounter

    /// The request as it goes to the model, the model, and the passages used.
    public struct Prepared: Sendable {
        public var request: ChatRequest
        public var model: any ChatModel
        public var sources: [Source]
        /// The agent `model` named, if any.
        public var agent: Agent?
    }

    public func prepare(owner: String, _ request: ChatRequest) async throws -> Prepared {
        guard !request.messages.isEmpty else { throw ChatError.invalid(field: "$.messages", reason: "must not be empty") }
        var agent: Agent?
        if RecordQueries.isPlausibleID(request.model) {
            agent = try? await agents.get(owner: owner, id: request.model)
        }
        guard let agent else {
            let (model, name) = try models.resolve(provider: nil, model: request.model.isEmpty ? nil : request.model)
            var r = request
            r.model = name
            try model.check(r)
            return Prepared(request: r, model: model, sources: [], agent: nil)
        }
        let (model, name) = try models.resolve(provider: agent.provider, model: agent.model, baseURL: agent.baseURL, apiKey: try keys.apiKey(of: agent))
        var turns = request.messages
        var sources: [Source] = []
        if agent.retrieval.enabled, let last = turns.lastIndex(where: { $0.role == .user }) {
            sources = try await retriever.retrieve(owner: owner, Retriever.Request(
                query: turns[last].content, collections: agent.retrieval.collections, topK: agent.retrieval.topK,
                hybrid: agent.retrieval.hybrid, minScore: agent.retrieval.minScore,
                tokenBudget: max(0, (agent.contextBudget - agent.maxOutputTokens) / 2)))
            if !sources.isEmpty { turns.insert(.system(ContextBuilder.passagesText(sources)), at: last) }
        }
        if !agent.systemPrompt.isEmpty { turns.insert(.system(agent.systemPrompt), at: 0) }
        var r = request
        r.model = name
        r.messages = turns
        r.temperature = request.temperature ?? agent.temperature
        r.topP = request.topP ?? agent.topP
        r.maxTokens = request.maxTokens ?? agent.maxOutputTokens
        try model.check(r)
        return Prepared(request: r, model: model, sources: sources, agent: agent)
    }

    /// At most this many choices per request (`n`): each is a call of its own.
    public static let maxChoices = 8

    /// `choices` answers to one prepared request, made as that many concurrent calls (no
    /// provider Trove speaks takes `n` except OpenAI's, so every provider gets the same
    /// treatment), in choice order.
    public func complete(_ prepared: Prepared, choices: Int) async throws -> [ChatCompletion] {
        guard choices > 1 else { return [try await prepared.model.complete(prepared.request)] }
        return try await withThrowingTaskGroup(of: (Int, ChatCompletion).self) { group in
            for i in 0..<choices { group.addTask { (i, try await prepared.model.complete(prepared.request)) } }
            var answers = [ChatCompletion?](repeating: nil, count: choices)
            for try await (i, c) in group { answers[i] = c }
            return answers.compactMap { $0 }
        }
    }

    /// `choices` streamed answers interleaved as they come, each event with its choice's
    /// index; a failure of any ends the whole stream.
    public func stream(_ prepared: Prepared, choices: Int) -> AsyncThrowingStream<(choice: Int, event: ChatStreamEvent), any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for i in 0..<max(1, choices) {
                            group.addTask {
                                for try await event in prepared.model.stream(prepared.request) { continuation.yield((i, event)) }
                            }
                        }
                        try await group.waitForAll()
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Usage as reported, or counted and marked estimated.
    public func usage(_ completion: ChatCompletion, for request: ChatRequest) -> TokenUsage {
        if let u = completion.usage { return u }
        let prompt = request.messages.reduce(0) { $0 + counter.count($1.content) + ContextBuilder.perMessageOverhead }
        return TokenUsage(promptTokens: prompt, completionTokens: counter.count(completion.content), estimated: true)
    }
}
