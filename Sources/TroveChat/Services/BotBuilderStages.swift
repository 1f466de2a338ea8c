import TroveJSON

/// The stages of a bot-builder session, in order, and what each collects. The model reads
/// the conversation and, once the user has said enough, calls the `record_fields` tool
/// with the stage's fields (its JSON schema is `parameters`); `validate` checks them, and
/// a value that fails is asked for again. Only valid fields move the session on.
public enum BotBuilderStage: String, CaseIterable, Sendable {
    case goals
    case audienceAndTone = "audience_and_tone"
    case knowledge, tools, review

    var next: BotBuilderStage? {
        let all = Self.allCases
        guard let i = all.firstIndex(of: self), i + 1 < all.count else { return nil }
        return all[i + 1]
    }

    /// What the session asks when the stage begins.
    var question: String {
        switch self {
        case .goals: return "What should the bot be called, what is it for, and what should it achieve for the people who use it?"
        case .audienceAndTone: return "Who will talk to it, and in what tone should it answer (and in which language, if one)?"
        case .knowledge: return "Should it answer from your uploaded files, and from which of your knowledge collections (none is fine)?"
        case .tools: return "Which tools may it use: search_documents, search_messages, calculator, current_time (or none)?"
        case .review: return "Shall I create the bot? Say yes, or say which stage to change (goals, audience_and_tone, knowledge, tools)."
        }
    }

    /// What the model is told to collect at this stage.
    var instructions: String {
        switch self {
        case .goals: return "Collect the bot's name, its purpose in a sentence or two, and one to ten goals."
        case .audienceAndTone: return "Collect the audience the bot serves, the tone of its answers, and optionally a language."
        case .knowledge: return "Collect whether the bot answers from the user's uploaded files (use_files) and which knowledge collections by name (collections, possibly empty)."
        case .tools: return "Collect which of the built-in tools the bot may use (search_documents, search_messages, calculator, current_time); an empty list is fine."
        case .review: return "Ask the user to confirm the bot. confirm true creates it; confirm false with a stage name goes back to that stage."
        }
    }

    /// The JSON schema of `record_fields` at this stage.
    var parameters: JSONValue {
        func string(_ description: String) -> JSONValue { .object([("type", .string("string")), ("description", .string(description))]) }
        func strings(_ description: String) -> JSONValue {
            .object([("type", .string("array")), ("items", .object([("type", .string("string"))])), ("description", .string(description))])
        }
        func schema(_ properties: [(String, JSONValue)], required: [String]) -> JSONValue {
            .object([("type", .string("object")), ("properties", .object(properties)), ("required", .array(required.map(JSONValue.string))),
                     ("additionalProperties", .bool(false))])
        }
        let flag = JSONValue.object([("type", .string("boolean"))])
        switch self {
        case .goals: return schema([("name", string("the bot's name")), ("purpose", string("what it is for")), ("goals", strings("1 to 10 goals"))],
                                   required: ["name", "purpose", "goals"])
        case .audienceAndTone: return schema([("audience", string("who talks to it")), ("tone", string("how it answers")), ("language", string("optional"))],
                                             required: ["audience", "tone"])
        case .knowledge: return schema([("use_files", flag), ("collections", strings("knowledge collection names"))], required: ["use_files", "collections"])
        case .tools: return schema([("tools", strings("built-in tool names"))], required: ["tools"])
        case .review: return schema([("confirm", flag), ("stage", string("the stage to change when confirm is false"))], required: ["confirm"])
        }
    }

    /// The stage's fields from the model's arguments, checked and normalised; errors name
    /// the field's path (`$.goals[2]`).
    func validate(_ arguments: JSONValue) throws(JSONInputError) -> JSONValue {
        let input = try JSONInput(arguments)
        switch self {
        case .goals:
            try input.only(["name", "purpose", "goals"])
            let name = try Self.text(input, "name", 200), purpose = try Self.text(input, "purpose", 2_000)
            guard let goals = try input.strings("goals"), (1...10).contains(goals.count) else { throw JSONInputError(path: "$.goals", reason: "1 to 10 goals") }
            for (i, g) in goals.enumerated() where g.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || g.utf8.count > 500 {
                throw JSONInputError(path: "$.goals[\(i)]", reason: "1 to 500 bytes of text")
            }
            return .object([("name", .string(name)), ("purpose", .string(purpose)), ("goals", .array(goals.map(JSONValue.string)))])
        case .audienceAndTone:
            try input.only(["audience", "tone", "language"])
            let audience = try Self.text(input, "audience", 500), tone = try Self.text(input, "tone", 200)
            let language = try input.string("language", maxLength: 50)
            return .object([("audience", .string(audience)), ("tone", .string(tone)), ("language", language.map(JSONValue.string) ?? .null)])
        case .knowledge:
            try input.only(["use_files", "collections"])
            let useFiles = try input.requiredBool("use_files")
            let collections = try input.strings("collections") ?? []
            guard collections.count <= 20 else { throw JSONInputError(path: "$.collections", reason: "at most 20") }
            for (i, c) in collections.enumerated() where !KnowledgeCollection.isValidName(c) {
                throw JSONInputError(path: "$.collections[\(i)]", reason: KnowledgeCollection.nameRule)
            }
            return .object([("use_files", .bool(useFiles)), ("collections", .array(collections.map(JSONValue.string)))])
        case .tools:
            try input.only(["tools"])
            guard let tools = try input.strings("tools") else { throw JSONInputError(path: "$.tools", reason: "required array (empty for none)") }
            for (i, t) in tools.enumerated() where !Agent.builtInTools.contains(t) {
                throw JSONInputError(path: "$.tools[\(i)]", reason: "unknown tool '\(t)' (known: \(Agent.builtInTools.joined(separator: ", ")))")
            }
            return .object([("tools", .array(Array(Set(tools)).sorted().map(JSONValue.string)))])
        case .review:
            try input.only(["confirm", "stage"])
            let confirm = try input.requiredBool("confirm")
            var back: JSONValue = .null
            if !confirm {
                let name = try input.string("stage")
                guard let name, let stage = BotBuilderStage(rawValue: name), stage != .review else {
                    throw JSONInputError(path: "$.stage", reason: "the stage to change: goals, audience_and_tone, knowledge or tools")
                }
                back = .string(stage.rawValue)
            }
            return .object([("confirm", .bool(confirm)), ("stage", back)])
        }
    }

    private static func text(_ input: JSONInput, _ key: String, _ most: Int) throws(JSONInputError) -> String {
        let v = try input.requiredString(key, maxLength: most)
        guard !v.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw JSONInputError(path: input.path(of: key), reason: "must not be empty") }
        return v
    }
}
