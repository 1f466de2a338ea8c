import Foundation
import TroveEngine
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
public struct Agent: Sendable, Equatable, StoredRecord {
    enum FieldName: String {
        case owner, name, description, provider, model, temperature, retrieval, tools
        case systemPrompt = "system_prompt", topP = "top_p", maxOutputTokens = "max_output_tokens"
        case contextBudget = "context_budget", maxToolSteps = "max_tool_steps"
        case createdAt = "created_at", updatedAt = "updated_at"
        case baseURL = "base_url", apiKeySealed = "api_key_sealed", isPublic = "public", publishableKey = "publishable_key"
        case allowedOrigins = "allowed_origins", widget, dailyTokenBudget = "daily_token_budget"
    }
    static let collection = "chat_agents"
    static let tenantField: FieldName? = .owner
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.name, .text(analyzer: .standard, phrases: false)),
        indexed(.createdAt, .timestamp), indexed(.updatedAt, .timestamp),
    ]

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
    /// The agent's own endpoint for its provider (nil: the server's). Only the agent's own
    /// key is sent there, never the server's.
    public var baseURL: String?
    /// The agent's own provider key, sealed (`AgentKeyVault`). Write-only: the plaintext is
    /// never a property, so no JSON, log or export of an agent can hold it.
    var sealedAPIKey: [UInt8]?
    /// Whether the agent has a key of its own.
    public var hasAPIKey: Bool { sealedAPIKey != nil }
    /// The public face: visitor chat, publishable key, allowed origins, widget.
    public var bot = PublicBot()
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

    /// Sets the fields `json` holds, checking each (errors name the field's path); an
    /// `api_key` is sealed with `keys`, null removes it.
    public mutating func apply(_ json: JSONValue, keys: AgentKeyVault) throws(ChatError) {
        let key: APIKeyChange?
        do throws(JSONInputError) { key = try read(json) } catch { throw ChatError.invalid(error) }
        switch key {
        case let .set(plain)?: sealedAPIKey = try keys.seal(plain, agentID: id)
        case .remove?: sealedAPIKey = nil
        case nil: break
        }
    }

    private enum APIKeyChange { case set(String), remove }

    private mutating func read(_ json: JSONValue) throws(JSONInputError) -> APIKeyChange? {
        let input = try JSONInput(json)
        try input.only(Set(["name", "description", "system_prompt", "provider", "model", "temperature", "top_p",
                            "max_output_tokens", "context_budget", "retrieval", "tools", "max_tool_steps", "base_url", "api_key"])
            .union(PublicBot.members))
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
        if input.has("base_url") {
            let v = try input.string("base_url", maxLength: 2_000)
            if let v, !Self.isEndpoint(v) { throw JSONInputError(path: "$.base_url", reason: "an http(s) URL with a host and no user or password") }
            baseURL = v
        }
        try bot.apply(input)
        guard input.has("api_key") else { return nil }
        guard let v = try input.string("api_key", maxLength: 4_096) else { return .remove }
        // Printable ASCII only: the key goes into a request header, where CR or LF would
        // let it add headers of its own.
        guard !v.isEmpty, v.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw JSONInputError(path: "$.api_key", reason: "1 to 4,096 printable ASCII characters, no spaces (null removes the key)")
        }
        return .set(v)
    }

    static func isEndpoint(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return false }
        return url.user == nil && url.password == nil
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
            ("base_url", baseURL.map(JSONValue.string) ?? .null), ("api_key_set", .bool(hasAPIKey)),
        ] + bot.jsonMembers + [
            ("created_at", .string(RecordClock.rfc3339(createdAt))), ("updated_at", .string(RecordClock.rfc3339(updatedAt))),
        ])
    }

    var document: Document {
        typealias N = FieldName
        var fields: [Field] = [
            Field(N.owner, .string(owner)), Field(N.name, .string(name)), Field(N.createdAt, .timestamp(createdAt)),
            Field(N.updatedAt, .timestamp(updatedAt)), Field(N.description, .string(description)),
            Field(N.systemPrompt, .string(systemPrompt)), Field(N.maxOutputTokens, .int(Int64(maxOutputTokens))),
            Field(N.contextBudget, .int(Int64(contextBudget))), Field(N.retrieval, .json(retrieval.json)),
            Field(N.tools, .json(.array(tools.map(JSONValue.string)))), Field(N.maxToolSteps, .int(Int64(maxToolSteps))),
        ]
        if let provider { fields.append(Field(N.provider, .string(provider))) }
        if let model { fields.append(Field(N.model, .string(model))) }
        if let temperature { fields.append(Field(N.temperature, .double(temperature))) }
        if let topP { fields.append(Field(N.topP, .double(topP))) }
        if let baseURL { fields.append(Field(N.baseURL, .string(baseURL))) }
        if let sealedAPIKey { fields.append(Field(N.apiKeySealed, .bytes(sealedAPIKey))) }
        fields.append(Field(N.isPublic, .bool(bot.enabled)))
        if let key = bot.publishableKey { fields.append(Field(N.publishableKey, .string(key))) }
        if !bot.allowedOrigins.isEmpty { fields.append(Field(N.allowedOrigins, .json(.array(bot.allowedOrigins.map(JSONValue.string))))) }
        if bot.widget != WidgetSettings() { fields.append(Field(N.widget, .json(bot.widget.json))) }
        if let budget = bot.dailyTokenBudget { fields.append(Field(N.dailyTokenBudget, .int(Int64(budget)))) }
        return Document(id: id, fields: fields)
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        self.init(id: d.id, owner: try f.string(.owner))
        name = try f.string(.name)
        description = try f.optionalString(.description) ?? ""
        systemPrompt = try f.optionalString(.systemPrompt) ?? ""
        provider = try f.optionalString(.provider)
        // Agents stored before blank models were refused: blank reads as the default.
        model = try f.optionalString(.model).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        temperature = try f.optionalDouble(.temperature)
        topP = try f.optionalDouble(.topP)
        maxOutputTokens = try f.optionalInt(.maxOutputTokens) ?? maxOutputTokens
        contextBudget = try f.optionalInt(.contextBudget) ?? contextBudget
        if let r = try f.optionalJSON(.retrieval) {
            do throws(JSONInputError) { try retrieval.apply(try JSONInput(r)) } catch { throw f.corrupt(.retrieval, error.description) }
        }
        tools = try f.strings(.tools)
        maxToolSteps = try f.optionalInt(.maxToolSteps) ?? maxToolSteps
        baseURL = try f.optionalString(.baseURL)
        sealedAPIKey = try f.optionalBytes(.apiKeySealed)
        bot.enabled = try f.optionalBool(.isPublic) ?? false
        bot.publishableKey = try f.optionalString(.publishableKey)
        bot.allowedOrigins = try f.strings(.allowedOrigins)
        // They go into a response header (frame-ancestors): a stored value that is not an
        // origin is a damaged record, not a header.
        if let bad = bot.allowedOrigins.first(where: { !PublicBot.isOrigin($0) }) { throw f.corrupt(.allowedOrigins, "'\(bad)' is not an origin") }
        bot.dailyTokenBudget = try f.optionalInt(.dailyTokenBudget)
        if let w = try f.optionalJSON(.widget) {
            do throws(JSONInputError) { try bot.widget.apply(try JSONInput(w)) } catch { throw f.corrupt(.widget, error.description) }
        }
        createdAt = try f.timestamp(.createdAt)
        updatedAt = try f.timestamp(.updatedAt)
    }
}
