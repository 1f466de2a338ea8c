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
            let owner = try context.requirePrincipal().userID
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
            return JSONResponse.make(.object([("object", .string("list")), ("data", .array(data))]))
        }
        router.post("/v1/chat/completions") { request, context in
            let owner = try context.requirePrincipal().userID
            let (chat, stream, conversationID) = try OpenAIWire.request(try await request.json(limit: api.settings.maxBodyBytes))
            if let conversationID { return try await persisted(owner: owner, chat, stream: stream, conversationID: conversationID) }
            let prepared = try await api.system.completions.prepare(owner: owner, chat)
            let id = OpenAIWire.newID(), created = Int64(Date().timeIntervalSince1970)
            if stream { return streamed(prepared, id: id, created: created, shownModel: chat.model) }
            let started = ContinuousClock.now
            let c = try await prepared.model.complete(prepared.request)
            let usage = api.system.completions.usage(c, for: prepared.request)
            let elapsed = ContinuousClock.now - started
            ServerMetrics.shared.record(usage: usage, milliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
            return JSONResponse.make(OpenAIWire.completion(id: id, model: chat.model, created: created, content: c.content, toolCalls: c.toolCalls,
                                                           finish: c.finishReason, usage: usage,
                                                           extra: prepared.sources.isEmpty ? [] : [("sources", .array(prepared.sources.map(\.json)))]))
        }
        router.post("/v1/embeddings") { request, context in
            _ = try context.requirePrincipal()
            let body = try await request.json(limit: api.settings.maxBodyBytes)
            let inputs: [String]
            switch body["input"] {
            case let .string(s)?: inputs = [s]
            case let .array(items)? where !items.isEmpty && items.count <= 2048:
                inputs = try items.enumerated().map { i, v in
                    guard let s = v.stringValue else { throw APIError.badRequest("$.input[\(i)]: a string", field: "$.input[\(i)]") }
                    return s
                }
            default: throw APIError.badRequest("$.input: a string or an array of 1 to 2048 strings", field: "$.input")
            }
            let vectors = try await api.system.embedder.embed(inputs)
            let tokens = inputs.reduce(0) { $0 + api.system.counter.count($1) }
            return JSONResponse.make(.object([
                ("object", .string("list")),
                ("data", .array(vectors.enumerated().map { i, v in
                    .object([("object", .string("embedding")), ("index", .int(Int64(i))), ("embedding", .array(v.map { .double(Double($0)) }))])
                })),
                ("model", .string(api.system.embedder.modelName)),
                ("usage", .object([("prompt_tokens", .int(Int64(tokens))), ("total_tokens", .int(Int64(tokens)))])),
            ]))
        }
    }

    /// A plain completion streamed as `chat.completion.chunk`s, then a usage chunk and `[DONE]`.
    private func streamed(_ prepared: CompletionService.Prepared, id: String, created: Int64, shownModel: String) -> Response {
        let events = prepared.model.stream(prepared.request)
        let completions = api.system.completions
        return Self.chunks { send in
            send(OpenAIWire.chunk(id: id, model: shownModel, created: created, delta: .object([("role", .string("assistant")), ("content", .string(""))]), finish: nil))
            for try await event in events {
                switch event {
                case let .delta(text):
                    send(OpenAIWire.chunk(id: id, model: shownModel, created: created, delta: .object([("content", .string(text))]), finish: nil))
                case let .done(c):
                    if let calls = OpenAIWire.toolCalls(c.toolCalls) {
                        send(OpenAIWire.chunk(id: id, model: shownModel, created: created, delta: .object([("tool_calls", calls)]), finish: nil))
                    }
                    send(OpenAIWire.chunk(id: id, model: shownModel, created: created, delta: .object([JSONMember]()), finish: c.finishReason))
                    send(.object([("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .int(created)),
                                  ("model", .string(shownModel)), ("choices", .array([])),
                                  ("usage", OpenAIWire.usage(completions.usage(c, for: prepared.request)))]))
                }
            }
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
    /// builds the context from the stored conversation and stores the exchange.
    private func persisted(owner: String, _ chat: ChatRequest, stream: Bool, conversationID: String) async throws -> Response {
        guard let text = chat.messages.last(where: { $0.role == .user })?.content else {
            throw APIError.badRequest("$.messages: needs a user message", field: "$.messages")
        }
        let id = OpenAIWire.newID(), created = Int64(Date().timeIntervalSince1970)
        if !stream {
            let ex = try await api.system.chat.send(owner: owner, conversationID: conversationID, text: text)
            ServerMetrics.shared.record(usage: ex.assistant.usage, milliseconds: ex.assistant.latencyMilliseconds)
            return JSONResponse.make(OpenAIWire.completion(id: id, model: chat.model, created: created, content: ex.assistant.content, toolCalls: [],
                                                           finish: "stop", usage: ex.assistant.usage,
                                                           extra: [("conversation_id", .string(conversationID)), ("sources", .array(ex.assistant.sources.map(\.json)))]))
        }
        _ = try await api.system.conversations.get(owner: owner, id: conversationID)
        let events = api.system.chat.stream(owner: owner, conversationID: conversationID, text: text)
        let model = chat.model
        return Self.chunks { send in
            for try await e in events {
                switch e {
                case let .delta(t):
                    send(OpenAIWire.chunk(id: id, model: model, created: created, delta: .object([("content", .string(t))]), finish: nil))
                case .toolStep: break
                case let .done(ex):
                    send(OpenAIWire.chunk(id: id, model: model, created: created, delta: .object([JSONMember]()), finish: "stop", usage: ex.assistant.usage))
                }
            }
        }
    }
}
