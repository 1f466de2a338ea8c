import Foundation
import TroveJSON
import TroveStorage

/// Which passages an agent retrieves before answering.
public struct RetrievalSettings: Sendable, Equatable {
    public var enabled = false
    /// The owner's knowledge collections to search; empty means the owner's uploaded files
    /// (collection `files`).
    public var collections: [String] = []
    public var topK = 5
    /// Text (BM25) and vector search fused by reciprocal rank; false: vector only.
    public var hybrid = true
    /// Passages whose cosine similarity to the question is lower are left out.
    public var minScore = 0.0

    public init() {}

    var json: JSONValue {
        .object([("enabled", .bool(enabled)), ("collections", .array(collections.map(JSONValue.string))),
                 ("top_k", .int(Int64(topK))), ("hybrid", .bool(hybrid)), ("min_score", .double(minScore))])
    }

    mutating func apply(_ input: JSONInput) throws(JSONInputError) {
        try input.only(["enabled", "collections", "top_k", "hybrid", "min_score"])
        if let v = try input.bool("enabled") { enabled = v }
        if let v = try input.strings("collections") {
            for (i, name) in v.enumerated() where !KnowledgeCollection.isValidName(name) {
                throw JSONInputError(path: "\(input.path(of: "collections"))[\(i)]", reason: KnowledgeCollection.nameRule)
            }
            collections = v
        }
        if let v = try input.int("top_k", in: 1...100) { topK = v }
        if let v = try input.bool("hybrid") { hybrid = v }
        if let v = try input.double("min_score", in: -1...1) { minScore = v }
    }
}

/// An agent (a bot): the prompt, model and retrieval settings a conversation runs with.
public struct Agent: Sendable, Equatable {
    public static let builtInTools = ["search_documents", "search_messages", "calculator", "current_time"]

    public var id: String
    public var owner: String
    public var name = ""
    public var description = ""
    public var systemPrompt = ""
    /// `openai`, `ollama` or `anthropic`; nil: the configured default provider.
    public var provider: String?
    /// nil: the provider's configured default model.
    public var model: String?
    public var temperature: Double?
    public var topP: Double?
    public var maxOutputTokens = 512
    /// Tokens the model's context holds: prompt, history, passages and the reply.
    public var contextBudget = 4096
    public var retrieval = RetrievalSettings()
    /// Names of enabled built-in tools.
    public var tools: [String] = []
    /// Model calls one message may take in the tool loop.
    public var maxToolSteps = 4
    public var createdAt: Int64 = 0
    public var updatedAt: Int64 = 0

    public init(id: String, owner: String) {
        self.id = id
        self.owner = owner
    }

    /// Sets the fields `json` holds, checking each (errors name the field's path).
    public mutating func apply(_ json: JSONValue) throws(ChatError) {
        do throws(JSONInputError) { try read(json) } catch { throw ChatError.invalid(error) }
    }

    private mutating func read(_ json: JSONValue) throws(JSONInputError) {
        let input = try JSONInput(json)
        try input.only(["name", "description", "system_prompt", "provider", "model", "temperature", "top_p",
                        "max_output_tokens", "context_budget", "retrieval", "tools", "max_tool_steps"])
        if let v = try input.string("name", maxLength: 200) {
            guard !v.trimmingCharacters(in: .whitespaces).isEmpty else { throw JSONInputError(path: "$.name", reason: "must not be empty") }
            name = v
        }
        if let v = try input.string("description", maxLength: 10_000) { description = v }
        if let v = try input.string("system_prompt", maxLength: 100_000) { systemPrompt = v }
        if input.has("provider") {
            let v = try input.string("provider")
            if let v, ChatProviderKind(rawValue: v) == nil { throw JSONInputError(path: "$.provider", reason: "openai, ollama or anthropic") }
            provider = v
        }
        if input.has("model") {
            let v = try input.string("model", maxLength: 200)
            // A blank name would reach the provider as no model at all (its 400 was a 502 here);
            // null is how a client asks for the configured default.
            if let v, v.trimmingCharacters(in: .whitespaces).isEmpty {
                throw JSONInputError(path: "$.model", reason: "must not be blank (null: the configured default model)")
            }
            model = v
        }
        if input.has("temperature") { temperature = try input.double("temperature", in: 0...2) }
        if input.has("top_p") { topP = try input.double("top_p", in: 0...1) }
        if let v = try input.int("max_output_tokens", in: 1...1_000_000) { maxOutputTokens = v }
        if let v = try input.int("context_budget", in: 256...10_000_000) { contextBudget = v }
        if let r = try input.object("retrieval") { try retrieval.apply(r) }
        if let v = try input.strings("tools") {
            for (i, t) in v.enumerated() where !Self.builtInTools.contains(t) {
                throw JSONInputError(path: "$.tools[\(i)]", reason: "unknown tool '\(t)' (known: \(Self.builtInTools.joined(separator: ", ")))")
            }
            tools = v
        }
        if let v = try input.int("max_tool_steps", in: 1...20) { maxToolSteps = v }
        guard maxOutputTokens < contextBudget else {
            throw JSONInputError(path: "$.max_output_tokens", reason: "must be less than context_budget (\(contextBudget))")
        }
    }

    /// The API's JSON form (snake_case).
    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("agent")), ("name", .string(name)), ("description", .string(description)),
            ("system_prompt", .string(systemPrompt)), ("provider", provider.map(JSONValue.string) ?? .null),
            ("model", model.map(JSONValue.string) ?? .null), ("temperature", temperature.map(JSONValue.double) ?? .null),
            ("top_p", topP.map(JSONValue.double) ?? .null), ("max_output_tokens", .int(Int64(maxOutputTokens))),
            ("context_budget", .int(Int64(contextBudget))), ("retrieval", retrieval.json),
            ("tools", .array(tools.map(JSONValue.string))), ("max_tool_steps", .int(Int64(maxToolSteps))),
            ("created_at", .string(RecordClock.rfc3339(createdAt))), ("updated_at", .string(RecordClock.rfc3339(updatedAt))),
        ])
    }

    var document: Document {
        var fields: [Field] = [
            Field("owner", .string(owner)), Field("name", .string(name)), Field("created_at", .timestamp(createdAt)),
            Field("updated_at", .timestamp(updatedAt)), Field("description", .string(description)),
            Field("system_prompt", .string(systemPrompt)), Field("max_output_tokens", .int(Int64(maxOutputTokens))),
            Field("context_budget", .int(Int64(contextBudget))), Field("retrieval", .json(retrieval.json)),
            Field("tools", .json(.array(tools.map(JSONValue.string)))), Field("max_tool_steps", .int(Int64(maxToolSteps))),
        ]
        if let provider { fields.append(Field("provider", .string(provider))) }
        if let model { fields.append(Field("model", .string(model))) }
        if let temperature { fields.append(Field("temperature", .double(temperature))) }
        if let topP { fields.append(Field("top_p", .double(topP))) }
        return Document(id: id, fields: fields)
    }

    init(document d: Document) {
        self.init(id: d.id, owner: d.string("owner") ?? "")
        name = d.string("name") ?? ""
        description = d.string("description") ?? ""
        systemPrompt = d.string("system_prompt") ?? ""
        provider = d.string("provider")
        // Agents stored before blank models were refused: blank reads as the default.
        model = d.string("model").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        temperature = d.double("temperature")
        topP = d.double("top_p")
        maxOutputTokens = d.int("max_output_tokens") ?? maxOutputTokens
        contextBudget = d.int("context_budget") ?? contextBudget
        if let r = d.json("retrieval"), let input = try? JSONInput(r) { try? retrieval.apply(input) }
        tools = d.json("tools")?.arrayValue?.compactMap(\.stringValue) ?? []
        maxToolSteps = d.int("max_tool_steps") ?? maxToolSteps
        createdAt = d.timestamp("created_at")
        updatedAt = d.timestamp("updated_at")
    }
}
