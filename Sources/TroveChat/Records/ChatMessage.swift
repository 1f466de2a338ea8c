import TroveEngine
import TroveJSON
import TroveStorage

/// A passage a reply drew on, cited in the prompt as `[number]`.
public struct Source: Sendable, Equatable {
    public var number: Int
    public var fileID: String
    public var fileName: String
    public var collection: String
    public var chunk: Int
    public var start: Int
    public var end: Int
    public var text: String
    /// Fused rank score (hybrid) or cosine similarity (vector only).
    public var score: Double
    /// Cosine similarity between the question and the passage.
    public var similarity: Double

    public var json: JSONValue {
        .object([
            ("number", .int(Int64(number))), ("file_id", .string(fileID)), ("file_name", .string(fileName)),
            ("collection", .string(collection)), ("chunk", .int(Int64(chunk))), ("start", .int(Int64(start))),
            ("end", .int(Int64(end))), ("text", .string(text)), ("score", .double(score)), ("similarity", .double(similarity)),
        ])
    }

    init?(json: JSONValue) {
        guard let fileID = json["file_id"]?.stringValue else { return nil }
        number = json["number"]?.intValue ?? 0
        self.fileID = fileID
        fileName = json["file_name"]?.stringValue ?? ""
        collection = json["collection"]?.stringValue ?? ""
        chunk = json["chunk"]?.intValue ?? 0
        start = json["start"]?.intValue ?? 0
        end = json["end"]?.intValue ?? 0
        text = json["text"]?.stringValue ?? ""
        score = json["score"]?.doubleValue ?? 0
        similarity = json["similarity"]?.doubleValue ?? 0
    }

    init(number: Int, fileID: String, fileName: String, collection: String, chunk: Int, start: Int, end: Int, text: String, score: Double, similarity: Double) {
        self.number = number
        self.fileID = fileID
        self.fileName = fileName
        self.collection = collection
        self.chunk = chunk
        self.start = start
        self.end = end
        self.text = text
        self.score = score
        self.similarity = similarity
    }
}

/// One model call of the tool loop, as recorded on the assistant message.
public struct ToolStep: Sendable, Equatable {
    public var step: Int
    public var toolCalls: [ToolCall]
    /// One result per call, in order.
    public var results: [String]
    public var usage: TokenUsage?

    public var json: JSONValue {
        .object([
            ("step", .int(Int64(step))),
            ("tool_calls", .array(toolCalls.map { c in
                .object([("id", .string(c.id)), ("type", .string("function")),
                         ("function", .object([("name", .string(c.name)), ("arguments", .string(c.arguments))]))])
            })),
            ("results", .array(results.map(JSONValue.string))),
            ("token_usage", usage.map(TokenUsage.json) ?? .null),
        ])
    }
}

extension TokenUsage {
    static func json(_ u: TokenUsage) -> JSONValue {
        .object([("prompt_tokens", .int(Int64(u.promptTokens))), ("completion_tokens", .int(Int64(u.completionTokens))),
                 ("total_tokens", .int(Int64(u.totalTokens))), ("estimated", .bool(u.estimated))])
    }
}

/// A stored message: a user's turn or an assistant's reply.
public struct ChatMessage: Sendable, Equatable, StoredRecord {
    enum FieldName: String {
        case owner, role, content, model, status, sources, steps, attachments, error
        case conversationID = "conversation_id", agentID = "agent_id", createdAt = "created_at"
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
        case usageEstimated = "usage_estimated", latency = "latency_ms"
    }
    static let collection = "chat_messages"
    static let tenantField: FieldName? = .owner
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.conversationID, .keyword), indexed(.agentID, .keyword), indexed(.role, .keyword),
        indexed(.content, .text(analyzer: .english, phrases: true)), indexed(.createdAt, .timestamp),
        indexed(.promptTokens, .int), indexed(.completionTokens, .int), indexed(.totalTokens, .int),
        indexed(.model, .keyword), indexed(.status, .keyword),
    ]

    public var id: String
    public var owner: String
    public var conversationID: String
    public var agentID: String?
    public var role: ChatRole
    public var content: String
    public var createdAt: Int64
    public var usage: TokenUsage
    public var model: String?
    public var latencyMilliseconds: Int?
    public var sources: [Source] = []
    public var steps: [ToolStep] = []
    /// File ids attached to a user message.
    public var attachments: [String] = []
    /// Why the model call failed (on the user message of a failed exchange).
    public var error: String?
    /// Stored by `append` (no model call): its usage is not a provider's, and totals leave it out.
    public var imported = false

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("message")), ("conversation_id", .string(conversationID)),
            ("agent_id", agentID.map(JSONValue.string) ?? .null), ("role", .string(role.rawValue)), ("content", .string(content)),
            ("created_at", .string(RecordClock.rfc3339(createdAt))), ("token_usage", TokenUsage.json(usage)),
            ("model", model.map(JSONValue.string) ?? .null),
            ("latency_ms", latencyMilliseconds.map { JSONValue.int(Int64($0)) } ?? .null),
            ("sources", .array(sources.map(\.json))), ("steps", .array(steps.map(\.json))),
            ("attachments", .array(attachments.map(JSONValue.string))), ("error", error.map(JSONValue.string) ?? .null),
            ("imported", .bool(imported)),
        ])
    }

    var document: Document {
        typealias N = FieldName
        var fields: [Field] = [
            Field(N.owner, .string(owner)), Field(N.conversationID, .string(conversationID)), Field(N.role, .string(role.rawValue)),
            Field(N.content, .string(content)), Field(N.createdAt, .timestamp(createdAt)),
            Field(N.promptTokens, .int(Int64(usage.promptTokens))), Field(N.completionTokens, .int(Int64(usage.completionTokens))),
            Field(N.totalTokens, .int(Int64(usage.totalTokens))), Field(N.usageEstimated, .bool(usage.estimated)),
            Field(N.status, .string(error != nil ? "error" : imported ? "imported" : "ok")),
        ]
        if let agentID { fields.append(Field(N.agentID, .string(agentID))) }
        if let model { fields.append(Field(N.model, .string(model))) }
        if let latencyMilliseconds { fields.append(Field(N.latency, .int(Int64(latencyMilliseconds)))) }
        if !sources.isEmpty { fields.append(Field(N.sources, .json(.array(sources.map(\.json))))) }
        if !steps.isEmpty { fields.append(Field(N.steps, .json(.array(steps.map(\.json))))) }
        if !attachments.isEmpty { fields.append(Field(N.attachments, .json(.array(attachments.map(JSONValue.string))))) }
        if let error { fields.append(Field(N.error, .string(error))) }
        return Document(id: id, fields: fields)
    }

    init(id: String, owner: String, conversationID: String, agentID: String?, role: ChatRole, content: String, createdAt: Int64, usage: TokenUsage) {
        self.id = id
        self.owner = owner
        self.conversationID = conversationID
        self.agentID = agentID
        self.role = role
        self.content = content
        self.createdAt = createdAt
        self.usage = usage
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        id = d.id
        owner = try f.string(.owner)
        conversationID = try f.string(.conversationID)
        agentID = try f.optionalString(.agentID)
        guard let role = try f.enumValue(.role, ChatRole.self) else { throw f.corrupt(.role, "missing") }
        self.role = role
        content = try f.string(.content)
        createdAt = try f.timestamp(.createdAt)
        usage = TokenUsage(promptTokens: try f.optionalInt(.promptTokens) ?? 0, completionTokens: try f.optionalInt(.completionTokens) ?? 0,
                           totalTokens: try f.optionalInt(.totalTokens), estimated: try f.optionalBool(.usageEstimated) ?? false)
        model = try f.optionalString(.model)
        latencyMilliseconds = try f.optionalInt(.latency)
        sources = try Self.items(f, .sources, Source.init(json:))
        steps = try Self.items(f, .steps, ToolStep.init(json:))
        attachments = try f.strings(.attachments)
        error = try f.optionalString(.error)
        imported = try f.optionalString(.status) == "imported"
    }

    /// The items of a JSON array field, each read by `item` (absent: none).
    private static func items<T>(_ f: RecordFields<FieldName>, _ name: FieldName, _ item: (JSONValue) -> T?) throws(ChatError) -> [T] {
        guard let json = try f.optionalJSON(name) else { return [] }
        guard let array = json.arrayValue else { throw f.corrupt(name, "expected an array") }
        var out: [T] = []
        for (i, j) in array.enumerated() {
            guard let v = item(j) else { throw f.corrupt(name, "item \(i) is malformed") }
            out.append(v)
        }
        return out
    }
}

extension ToolStep {
    init?(json: JSONValue) {
        guard let step = json["step"]?.intValue else { return nil }
        self.step = step
        toolCalls = (json["tool_calls"]?.arrayValue ?? []).compactMap { c in
            guard let id = c["id"]?.stringValue, let f = c["function"], let name = f["name"]?.stringValue else { return nil }
            return ToolCall(id: id, name: name, arguments: f["arguments"]?.stringValue ?? "")
        }
        results = json["results"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let u = json["token_usage"], let p = u["prompt_tokens"]?.intValue, let c = u["completion_tokens"]?.intValue {
            usage = TokenUsage(promptTokens: p, completionTokens: c, totalTokens: u["total_tokens"]?.intValue, estimated: u["estimated"]?.boolValue ?? false)
        } else {
            usage = nil
        }
    }
}
