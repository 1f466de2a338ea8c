import TroveJSON

/// What a confirmed bot-builder session produces from its fields: the bot's system
/// prompt, a workflow (the stages in order with what each decided), a tools configuration
/// (built-in tools and retrieval), and the agent JSON that `AgentService.create` takes.
struct BotBuilderResult {
    let systemPrompt: String
    let workflow: JSONValue
    let toolsConfiguration: JSONValue
    let agent: JSONValue

    init(_ session: GuidedSession) throws(ChatError) {
        func stage(_ s: BotBuilderStage) throws(ChatError) -> JSONValue {
            guard let f = session.fields(of: s) else { throw ChatError.invalid(field: "$.stage", reason: "stage \(s.rawValue) has no fields yet") }
            return f
        }
        let goals = try stage(.goals), audience = try stage(.audienceAndTone), knowledge = try stage(.knowledge), tools = try stage(.tools)
        let name = goals["name"]?.stringValue ?? "Bot", purpose = goals["purpose"]?.stringValue ?? ""
        let goalList = (goals["goals"]?.arrayValue ?? []).compactMap(\.stringValue)
        let collections = (knowledge["collections"]?.arrayValue ?? []).compactMap(\.stringValue)
        let useFiles = knowledge["use_files"]?.boolValue ?? false
        var prompt = "You are \(name). \(purpose)\n\nYour goals:\n" + goalList.map { "- \($0)" }.joined(separator: "\n")
        prompt += "\n\nYou talk with \(audience["audience"]?.stringValue ?? "people"). Answer in a \(audience["tone"]?.stringValue ?? "plain") tone."
        if let language = audience["language"]?.stringValue { prompt += " Answer in \(language)." }
        let retrieves = useFiles || !collections.isEmpty
        if retrieves { prompt += "\n\nAnswer from the passages you are given and cite them as [1], [2]. When they do not hold the answer, say so." }
        systemPrompt = prompt
        workflow = .object([
            ("kind", .string(session.kind)), ("version", .int(1)),
            ("steps", .array([BotBuilderStage.goals, .audienceAndTone, .knowledge, .tools].compactMap { s in
                session.fields(of: s).map { .object([("stage", .string(s.rawValue)), ("fields", $0)]) }
            })),
        ])
        // An empty list searches the uploaded files (the default collection); with named
        // collections the files are searched only when use_files says so.
        let retrieval = JSONValue.object([("enabled", .bool(retrieves)), ("collections", .array(((useFiles ? [KnowledgeCollection.defaultName] : []) + collections).map(JSONValue.string))),
                                          ("top_k", .int(5)), ("hybrid", .bool(true))])
        toolsConfiguration = .object([("tools", tools["tools"] ?? .array([])), ("retrieval", retrieval)])
        agent = .object([("name", .string(String(name.prefix(200)))), ("description", .string(purpose)), ("system_prompt", .string(prompt)),
                         ("tools", tools["tools"] ?? .array([])), ("retrieval", retrieval)])
    }

    func json(agentID: String) -> JSONValue {
        .object([("system_prompt", .string(systemPrompt)), ("workflow", workflow), ("tools", toolsConfiguration), ("agent_id", .string(agentID))])
    }
}
