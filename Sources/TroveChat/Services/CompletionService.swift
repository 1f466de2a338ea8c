/// Stateless completions for the OpenAI-compatible API: the caller sends the whole
/// message list. `model` is a model id of the configured provider, or the id of one of
/// the caller's agents — then the agent's system prompt goes first, its retrieval adds
/// cited passages before the last user message, and its provider, model and sampling
/// settings apply (the request's own settings win where given).
public struct CompletionService: Sendable {
    let agents: AgentService
    let retriever: Retriever
    let models: ChatModelRegistry
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
            return Prepared(request: r, model: model, sources: [], agent: nil)
        }
        let (model, name) = try models.resolve(provider: agent.provider, model: agent.model)
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
        let r = ChatRequest(model: name, messages: turns, temperature: request.temperature ?? agent.temperature, topP: request.topP ?? agent.topP,
                            maxTokens: request.maxTokens ?? agent.maxOutputTokens, tools: request.tools)
        return Prepared(request: r, model: model, sources: sources, agent: agent)
    }

    /// Usage as reported, or counted and marked estimated.
    public func usage(_ completion: ChatCompletion, for request: ChatRequest) -> TokenUsage {
        if let u = completion.usage { return u }
        let prompt = request.messages.reduce(0) { $0 + counter.count($1.content) + ContextBuilder.perMessageOverhead }
        return TokenUsage(promptTokens: prompt, completionTokens: counter.count(completion.content), estimated: true)
    }
}
