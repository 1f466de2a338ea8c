import TroveJSON

extension GuidedSessionService {
    /// The model's answer to `text` at the session's stage, offered the stage's
    /// `record_fields` tool. A failed call is `ChatError.provider`, and nothing is stored.
    func ask(_ session: GuidedSession, _ text: String) async throws -> ChatCompletion {
        let (model, name) = try models.resolve(provider: nil, model: nil)
        var turns: [ChatTurn] = [.system(Self.instructions(for: session))]
        for t in session.history.suffix(40) { turns.append(ChatTurn(role: t.role, content: t.content)) }
        turns.append(.user(text))
        let spec = ToolSpec(name: Self.tool, description: "Record the fields of the current stage, once the user has given them.",
                            parameters: session.stage.parameters)
        do {
            return try await model.complete(ChatRequest(model: name, messages: turns, temperature: 0, maxTokens: 1024, tools: [spec]))
        } catch let e as ChatModelError {
            throw ChatError.provider(e, messageID: nil)
        }
    }

    /// Applies the model's answer to the session and returns the reply, and on completion
    /// the agent to create (written by the caller with the session, in one batch): recorded
    /// fields move it to the next stage that has none yet (so a change asked for at review
    /// comes back to review); fields that fail their check are asked for again, naming what
    /// was wrong.
    func advance(_ session: inout GuidedSession, _ completion: ChatCompletion) throws -> (reply: String, agent: Agent?) {
        let said = completion.content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let call = completion.toolCalls.first(where: { $0.name == Self.tool }) else {
            return (said.isEmpty ? session.stage.question : said, nil)
        }
        let stage = session.stage
        let fields: JSONValue
        do throws(JSONInputError) {
            guard let arguments = try? JSONParser.parse(call.arguments) else { throw JSONInputError(path: "$", reason: "the fields were not JSON") }
            fields = try stage.validate(arguments)
        } catch {
            return ("I could not use that (\(error.path): \(error.reason)). \(stage.question)", nil)
        }
        guard stage == .review else {
            session.record(fields, for: stage)
            session.stage = BotBuilderStage.allCases.first { $0 != .review && session.fields(of: $0) == nil } ?? .review
            return (session.stage == .review ? Self.summary(session) + "\n\n" + BotBuilderStage.review.question : session.stage.question, nil)
        }
        guard fields["confirm"]?.boolValue == true else {
            session.stage = fields["stage"]?.stringValue.flatMap(BotBuilderStage.init(rawValue:)) ?? .goals
            return (session.stage.question, nil)
        }
        let result = try BotBuilderResult(session)
        let agent = try agents.draft(owner: session.owner, result.agent)
        session.record(fields, for: .review)
        session.status = .completed
        session.result = result.json(agentID: agent.id)
        return ("Done: I created the bot \(agent.name) (agent \(agent.id)).", agent)
    }

    static func instructions(for session: GuidedSession) -> String {
        "You help the user build a chatbot, one stage at a time. This stage is \(session.stage.rawValue): \(session.stage.instructions) "
            + "When the user has given these, call \(tool) with them; otherwise ask for what is missing, briefly. "
            + "Fields collected so far: \(JSONValue.object(session.fields).text)"
    }

    /// What the bot will be, for the review.
    static func summary(_ session: GuidedSession) -> String {
        let lines = [BotBuilderStage.goals, .audienceAndTone, .knowledge, .tools].compactMap { s in
            session.fields(of: s).map { "\(s.rawValue): \($0.text)" }
        }
        return "Here is the bot so far:\n" + lines.joined(separator: "\n")
    }
}
