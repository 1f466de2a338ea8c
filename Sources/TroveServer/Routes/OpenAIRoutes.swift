import Foundation
import Hummingbird
import TroveChat
import TroveJSON
import TroveRemote

/// The OpenAI-compatible API: `/v1/models`, `/v1/chat/completions` (plain and streamed;
/// an agent id as `model`; `conversation_id` to persist the exchange), `/v1/embeddings`.
struct OpenAIRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        router.get("/v1/models") { _, context in
            let data = try await models(owner: context.requirePrincipal().userID)
            return JSONResponse.make(.object([("object", .string("list")), ("data", .array(data))]))
        }
        router.get("/v1/models/{id}") { _, context in
            try await model(try context.parameters.require("id"), owner: context.requirePrincipal().userID)
        }
        // Ids may hold slashes (`meta-llama/Llama-3.1-8B-Instruct` as vLLM names them,
        // `org/team/model` behind some gateways), and clients put them in the path as they
        // are. The first segments keep the names `id` and `name` because the router's tree
        // needs one name per position; past them, the rest of the path is the id's tail.
        router.get("/v1/models/{id}/{name}") { _, context in
            let id = try context.parameters.require("id") + "/" + context.parameters.require("name")
            return try await model(id, owner: context.requirePrincipal().userID)
        }
        router.get("/v1/models/{id}/{name}/**") { _, context in
            let rest = context.parameters.getCatchAll().map { $0.removingPercentEncoding ?? String($0) }
            let id = ([try context.parameters.require("id"), try context.parameters.require("name")] + rest).joined(separator: "/")
            return try await model(id, owner: context.requirePrincipal().userID)
        }
        router.post("/v1/chat/completions") { request, context in
            let owner = try context.requirePrincipal().userID
            let call = try OpenAIWire.request(try await request.json(limit: api.settings.maxBodyBytes))
            if let conversationID = call.conversationID { return try await persisted(owner: owner, call, conversationID: conversationID) }
            let prepared = try await api.system.completions.prepare(owner: owner, call.chat)
            let id = OpenAIWire.newID(), created = Int64(Date().timeIntervalSince1970)
            if call.stream { return streamed(prepared, call, id: id, created: created) }
            let started = ContinuousClock.now
            let answers = try await api.system.completions.complete(prepared, choices: call.choices)
            let usage = answers.map { api.system.completions.usage($0, for: prepared.request) }.reduce(.zero, +)
            let elapsed = ContinuousClock.now - started
            ServerMetrics.shared.record(usage: usage, milliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
            return JSONResponse.make(OpenAIWire.completion(id: id, model: call.chat.model, created: created, answers: answers, usage: usage,
                                                           extra: prepared.sources.isEmpty ? [] : [("sources", .array(prepared.sources.map(\.json)))]))
        }
        router.post("/v1/embeddings") { request, context in
            _ = try context.requirePrincipal()
            let call = try OpenAIEmbeddingRequest(try await request.json(limit: api.settings.maxBodyBytes), embedder: api.system.embedder,
                                                  vocabulary: api.tokenVocabulary)
            let vectors = try await api.system.embedder.embed(call.inputs)
            let tokens = call.inputs.reduce(0) { $0 + api.system.counter.count($1) }
            return JSONResponse.make(.object([
                ("object", .string("list")),
                ("data", .array(vectors.enumerated().map { i, v in
                    .object([("object", .string("embedding")), ("index", .int(Int64(i))), ("embedding", call.encode(v))])
                })),
                ("model", .string(api.system.embedder.modelName)),
                ("usage", .object([("prompt_tokens", .int(Int64(tokens))), ("total_tokens", .int(Int64(tokens)))])),
            ]))
        }
    }

    /// The model objects `owner` can name: the provider's models (the configured one
    /// first, even when the provider cannot be asked), then the owner's agents.
    /// One model of `models`, or OpenAI's 404 `model_not_found`.
    private func model(_ id: String, owner: String) async throws -> Response {
        guard let model = try await models(owner: owner).first(where: { $0["id"] == .string(id) }) else {
            throw APIError(status: .notFound, type: "invalid_request_error", message: "The model '\(id)' does not exist", code: "model_not_found")
        }
        return JSONResponse.make(model)
    }

    private func models(owner: String) async throws -> [JSONValue] {
        let s = api.system.settings
        let probe = ChatModels.make(provider: s.provider, baseURL: s.llmURL, apiKey: s.llmAPIKey, call: HTTPCall(timeout: .seconds(3), retries: 0))
        var ids = (try? await probe.models()) ?? []
        let configured = s.llmModel ?? s.provider.fallbackModel
        if !ids.contains(configured) { ids.insert(configured, at: 0) }
        var data: [JSONValue] = ids.map { .object([("id", .string($0)), ("object", .string("model")), ("created", .int(0)), ("owned_by", .string(s.provider.rawValue))]) }
        for agent in try await api.system.agents.list(owner: owner, limit: 1000).agents {
            data.append(.object([("id", .string(agent.id)), ("object", .string("model")), ("created", .int(agent.createdAt / 1_000_000)),
                                 ("owned_by", .string("agent")), ("name", .string(agent.name))]))
        }
        return data
    }

    /// A plain completion streamed as `chat.completion.chunk`s (each choice starting with
    /// its role), then, when asked for, a usage chunk, then `[DONE]`.
    private func streamed(_ prepared: CompletionService.Prepared, _ call: OpenAIRequest, id: String, created: Int64) -> Response {
        let events = api.system.completions.stream(prepared, choices: call.choices)
        let completions = api.system.completions
        let model = call.chat.model, withUsage = call.includeUsage, choices = call.choices
        return Self.chunks { send in
            func chunk(_ index: Int, _ delta: JSONValue, _ finish: String? = nil) -> JSONValue {
                OpenAIWire.chunk(id: id, model: model, created: created, index: index, delta: delta, finish: finish, includeUsage: withUsage)
            }
            for i in 0..<choices { send(chunk(i, .object([("role", .string("assistant")), ("content", .string(""))]))) }
            var usage = TokenUsage.zero
            for try await (i, event) in events {
                switch event {
                case let .delta(text):
                    send(chunk(i, .object([("content", .string(text))])))
                case let .done(c):
                    if let calls = OpenAIWire.toolCalls(c.toolCalls) { send(chunk(i, .object([("tool_calls", calls)]))) }
                    send(chunk(i, .object([JSONMember]()), c.finishReason))
                    usage = usage + completions.usage(c, for: prepared.request)
                }
            }
            if withUsage { send(OpenAIWire.usageChunk(id: id, model: model, created: created, usage: usage)) }
        }
    }

    /// Server-sent `data:` chunks from `produce`, a failure as an error object, then `[DONE]`.
    private static func chunks(_ produce: @escaping @Sendable (@Sendable (JSONValue) -> Void) async throws -> Void) -> Response {
        let stream = AsyncThrowingStream<SSEResponse.Event, any Error> { continuation in
            let task = Task {
                do {
                    try await produce { continuation.yield(.init(name: nil, data: $0.text)) }
                } catch {
                    continuation.yield(.init(name: nil, data: APIError.from(error).json.text))
                }
                continuation.yield(.init(name: nil, data: "[DONE]"))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return SSEResponse.make(stream)
    }

    /// With `conversation_id`: the last user message goes through the chat service, which
    /// builds the context from the stored conversation and stores the exchange. The
    /// conversation's agent decides the model and its settings, so a request that sets
    /// its own is refused rather than answered without them.
    private func persisted(owner: String, _ call: OpenAIRequest, conversationID: String) async throws -> Response {
        let chat = call.chat
        guard let text = chat.messages.last(where: { $0.role == .user })?.content else {
            throw APIError.badRequest("$.messages: needs a user message", field: "$.messages")
        }
        let o = chat.options
        let ownSettings: [(String, Bool)] = [("n", call.choices != 1), ("tools", !chat.tools.isEmpty), ("temperature", chat.temperature != nil),
                                             ("top_p", chat.topP != nil), ("max_tokens", chat.maxTokens != nil), ("stop", !o.stop.isEmpty),
                                             ("seed", o.seed != nil), ("presence_penalty", o.presencePenalty != nil),
                                             ("frequency_penalty", o.frequencyPenalty != nil), ("response_format", o.responseFormat != nil),
                                             ("tool_choice", o.toolChoice != nil), ("user", o.user != nil)]
        if let (name, _) = ownSettings.first(where: { $0.1 }) {
            throw APIError.badRequest("$.\(name): with conversation_id the conversation's agent sets the model's settings; leave \(name) out", field: "$." + name)
        }
        let id = OpenAIWire.newID(), created = Int64(Date().timeIntervalSince1970)
        if !call.stream {
            let ex = try await api.system.chat.send(owner: owner, conversationID: conversationID, text: text)
            ServerMetrics.shared.record(usage: ex.assistant.usage, milliseconds: ex.assistant.latencyMilliseconds)
            return JSONResponse.make(OpenAIWire.completion(id: id, model: chat.model, created: created,
                                                           answers: [ChatCompletion(model: chat.model, content: ex.assistant.content)], usage: ex.assistant.usage,
                                                           extra: [("conversation_id", .string(conversationID)), ("sources", .array(ex.assistant.sources.map(\.json)))]))
        }
        _ = try await api.system.conversations.get(owner: owner, id: conversationID)
        let events = api.system.chat.stream(owner: owner, conversationID: conversationID, text: text)
        let model = chat.model, withUsage = call.includeUsage
        return Self.chunks { send in
            func chunk(_ delta: JSONValue, _ finish: String? = nil) -> JSONValue {
                OpenAIWire.chunk(id: id, model: model, created: created, delta: delta, finish: finish, includeUsage: withUsage)
            }
            send(chunk(.object([("role", .string("assistant")), ("content", .string(""))])))
            for try await e in events {
                switch e {
                case let .delta(t): send(chunk(.object([("content", .string(t))])))
                case .toolStep: break
                case let .done(ex):
                    send(chunk(.object([JSONMember]()), "stop"))
                    if withUsage { send(OpenAIWire.usageChunk(id: id, model: model, created: created, usage: ex.assistant.usage)) }
                }
            }
        }
    }
}
