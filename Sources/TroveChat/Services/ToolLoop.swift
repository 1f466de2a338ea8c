/// Model calls of one reply: a single call, or, when the agent has tools, the OpenAI
/// tool-calling loop — the model asks for calls, they run here, their results go back as
/// tool turns — for at most `maxToolSteps` calls, the last one offered no tools so that
/// it must answer. Usage is summed over the calls; a call without reported usage is
/// counted with the tokenizer and the sum marked estimated.
struct ToolLoop: Sendable {
    let models: ChatModelRegistry
    /// Opens the agent's own provider key, for the call only.
    let keys: AgentKeyVault
    let counter: any TokenCounter
    let responseCache: ResponseCache?
    let tools: ToolBox

    struct Outcome: Sendable {
        var completion: ChatCompletion
        var usage: TokenUsage
        var steps: [ToolStep]
        var modelName: String
    }

    func run(agent: Agent, owner: String, turns start: [ChatTurn], promptTokens: Int,
             events: (@Sendable (SendEvent) -> Void)?) async throws -> Outcome {
        let (model, name) = try models.resolve(provider: agent.provider, model: agent.model, baseURL: agent.baseURL, apiKey: try keys.apiKey(of: agent))
        let specs = ToolBox.specs(agent.tools)
        let steps = specs.isEmpty ? 1 : max(1, agent.maxToolSteps)
        var turns = start
        var usage = TokenUsage.zero
        var recorded: [ToolStep] = []
        for step in 1...steps {
            let offered = step < steps ? specs : []
            let request = ChatRequest(model: name, messages: turns, temperature: agent.temperature, topP: agent.topP,
                                      maxTokens: agent.maxOutputTokens, tools: offered)
            let completion = try await call(model, request, events: events)
            let stepUsage = completion.usage ?? estimate(turns, completion)
            usage = usage + stepUsage
            guard !completion.toolCalls.isEmpty, !offered.isEmpty else {
                return Outcome(completion: completion, usage: usage, steps: recorded, modelName: name)
            }
            var results: [String] = []
            for c in completion.toolCalls { results.append(await tools.run(c, owner: owner)) }
            let record = ToolStep(step: step, toolCalls: completion.toolCalls, results: results, usage: stepUsage)
            recorded.append(record)
            events?(.toolStep(record))
            turns.append(.assistant(completion.content, toolCalls: completion.toolCalls))
            for (c, r) in zip(completion.toolCalls, results) { turns.append(.tool(r, callID: c.id, name: c.name)) }
        }
        // Not reached: the last step offers no tools, so it returns above.
        throw ChatModelError.malformed(provider: model.provider, detail: "the tool loop ended without an answer")
    }

    private func call(_ model: any ChatModel, _ request: ChatRequest, events: (@Sendable (SendEvent) -> Void)?) async throws -> ChatCompletion {
        guard let events else {
            if let hit = responseCache?.get(request) { return hit }
            let completion = try await model.complete(request)
            responseCache?.put(request, completion)
            return completion
        }
        for try await event in model.stream(request) {
            switch event {
            case let .delta(text): events(.delta(text))
            case let .done(completion): return completion
            }
        }
        throw ChatModelError.malformed(provider: model.provider, detail: "the stream ended without a final event")
    }

    private func estimate(_ turns: [ChatTurn], _ completion: ChatCompletion) -> TokenUsage {
        let prompt = turns.reduce(0) { $0 + counter.count($1.content) + ContextBuilder.perMessageOverhead }
        let reply = counter.count(completion.content) + completion.toolCalls.reduce(0) { $0 + counter.count($1.name + " " + $1.arguments) }
        return TokenUsage(promptTokens: prompt, completionTokens: reply, estimated: true)
    }
}
