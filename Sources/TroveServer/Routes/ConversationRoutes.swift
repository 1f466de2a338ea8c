import Hummingbird
import TroveChat
import TroveEngine
import TroveJSON

/// `/api/conversations` with their messages and token totals, and `/api/messages/search`.
struct ConversationRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        let conversations = api.system.conversations
        router.post("/api/conversations") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try JSONInput(await request.json(limit: api.settings.maxBodyBytes))
            try body.only(["agent_id", "title"])
            let c = try await conversations.create(owner: owner, agentID: body.string("agent_id"), title: body.string("title"))
            return JSONResponse.make(c.json, status: .created)
        }
        router.get("/api/conversations") { request, context in
            let owner = try context.requirePrincipal().userID
            let page = try await conversations.list(owner: owner, agentID: request.uri.queryParameters.get("agent_id"), limit: request.limit,
                                                    cursor: request.uri.queryParameters.get("cursor"))
            return JSONResponse.list(page.conversations.map(\.json), cursor: page.cursor)
        }
        router.get("/api/conversations/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await conversations.get(owner: owner, id: context.parameters.require("id")).json)
        }
        router.patch("/api/conversations/{id}") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try JSONInput(await request.json(limit: api.settings.maxBodyBytes))
            try body.only(["title"])
            guard let title = try body.string("title") else { throw APIError.badRequest("$.title: required string", field: "$.title") }
            return JSONResponse.make(try await conversations.rename(owner: owner, id: context.parameters.require("id"), title: title).json)
        }
        router.delete("/api/conversations/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            try await conversations.delete(owner: owner, id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.get("/api/conversations/{id}/tokens") { _, context in
            let owner = try context.requirePrincipal().userID
            let id = try context.parameters.require("id")
            _ = try await conversations.get(owner: owner, id: id)
            return JSONResponse.make(try await api.system.usage.conversation(owner: owner, id: id).json)
        }
        router.get("/api/conversations/{id}/messages") { request, context in
            let owner = try context.requirePrincipal().userID
            let id = try context.parameters.require("id")
            _ = try await conversations.get(owner: owner, id: id)
            let page = try await api.system.messages.list(owner: owner, conversationID: id, limit: request.limit, cursor: request.uri.queryParameters.get("cursor"))
            return JSONResponse.list(page.messages.map(\.json), cursor: page.cursor)
        }
        router.post("/api/conversations/{id}/messages") { request, context in
            try await send(request, context)
        }
        router.post("/api/conversations/{id}/messages/_import") { request, context in
            let owner = try context.requirePrincipal().userID
            let items = try Self.importedMessages(try await request.json(limit: api.settings.maxBodyBytes))
            let stored = try await api.system.chat.importMessages(owner: owner, conversationID: context.parameters.require("id"), items)
            return JSONResponse.make(.object([("object", .string("list")), ("data", .array(stored.map(\.json)))]), status: .created)
        }
        router.get("/api/messages/search") { request, context in
            let owner = try context.requirePrincipal().userID
            let q = try Self.messageQuery(request)
            let (hits, cursor) = try await api.system.messages.search(owner: owner, q)
            return JSONResponse.list(hits.map { h in
                .object([("message", h.message.json), ("score", .double(h.score)), ("snippet", h.snippet.map(JSONValue.string))])
            }, cursor: cursor)
        }
        router.get("/api/usage") { request, context in
            let owner = try context.requirePrincipal().userID
            let from = try Self.time(request, "from"), to = try Self.time(request, "to")
            let days = try await api.system.usage.daily(owner: owner, agentID: request.uri.queryParameters.get("agent_id"), from: from, to: to,
                                                        byAgent: request.uri.queryParameters.get("by") == "agent")
            return JSONResponse.list(days.map(\.json))
        }
    }

    /// `{"content", "attachments"?, "stream"?, "reply"?, "role"?}`; `?stream=true` or `"stream": true`
    /// answers server-sent events: `delta`, `tool_step`, then `done` with the stored exchange
    /// (or `error`); `"reply": false` only stores the message (`role` user or assistant).
    private func send(_ request: Request, _ context: TroveRequestContext) async throws -> Response {
        let owner = try context.requirePrincipal().userID
        let id = try context.parameters.require("id")
        let body = try JSONInput(await request.json(limit: api.settings.maxBodyBytes))
        try body.only(["content", "attachments", "stream", "reply", "role"])
        guard let content = try body.string("content") else { throw APIError.badRequest("$.content: required string", field: "$.content") }
        let attachments = try body.strings("attachments") ?? []
        let stream = try body.bool("stream") ?? (request.uri.queryParameters.get("stream") == "true")
        if try body.bool("reply") == false {
            let role = try body.string("role").map { v -> ChatRole in
                guard let r = ChatRole(rawValue: v) else { throw APIError.badRequest("$.role: user or assistant", field: "$.role") }
                return r
            } ?? .user
            let message = try await api.system.chat.append(owner: owner, conversationID: id, role: role, text: content)
            return JSONResponse.make(message.json, status: .created)
        }
        guard stream else {
            let ex = try await api.system.chat.send(owner: owner, conversationID: id, text: content, attachments: attachments)
            ServerMetrics.shared.record(usage: ex.assistant.usage, milliseconds: ex.assistant.latencyMilliseconds)
            return JSONResponse.make(Self.exchangeJSON(ex), status: .created)
        }
        // Refuse what can be refused before the stream starts (unknown conversation: 404).
        _ = try await api.system.conversations.get(owner: owner, id: id)
        let events = api.system.chat.stream(owner: owner, conversationID: id, text: content, attachments: attachments)
        return SSEResponse.make(SendEventStream(base: events))
    }

    /// `{"messages": [{"role": "user" | "assistant", "content", "created_at"?}]}`, times in RFC 3339.
    static func importedMessages(_ body: JSONValue) throws -> [ImportedMessage] {
        let input = try JSONInput(body)
        try input.only(["messages"])
        guard let items = try input.array("messages") else { throw APIError.badRequest("$.messages: required array", field: "$.messages") }
        return try items.enumerated().map { i, item in
            let m = try JSONInput(item, path: "$.messages[\(i)]")
            try m.only(["role", "content", "created_at"])
            guard let role = ChatRole(rawValue: try m.requiredString("role")), role == .user || role == .assistant else {
                throw APIError.badRequest("\(m.path(of: "role")): user or assistant", field: m.path(of: "role"))
            }
            var createdAt: Int64?
            if let text = try m.string("created_at") {
                guard let t = Timestamp.parse(text) else { throw APIError.badRequest("\(m.path(of: "created_at")): an RFC 3339 time", field: m.path(of: "created_at")) }
                createdAt = t
            }
            return ImportedMessage(role: role, content: try m.requiredString("content"), createdAt: createdAt)
        }
    }

    static func exchangeJSON(_ ex: Exchange) -> JSONValue {
        .object([("conversation", ex.conversation.json), ("user", ex.user.json), ("assistant", ex.assistant.json)])
    }

    static func messageQuery(_ request: Request) throws -> MessageQuery {
        let p = request.uri.queryParameters
        var q = MessageQuery(text: p.get("q"), from: try time(request, "from"), to: try time(request, "to"), conversationID: p.get("conversation_id"))
        q.agentID = p.get("agent_id")
        if let order = p.get("order") {
            guard let o = MessageQuery.Order(rawValue: order) else { throw APIError.badRequest("order: newest or relevance", field: "order") }
            q.order = o
        }
        if let syntax = p.get("syntax") {
            guard let s = TextSyntax(rawValue: syntax) else { throw APIError.badRequest("syntax: match (any text, the default) or query_string", field: "syntax") }
            q.syntax = s
        }
        q.limit = try request.limit
        q.cursor = p.get("cursor")
        return q
    }

    /// A time parameter: RFC 3339 or microseconds since 1970.
    static func time(_ request: Request, _ name: String) throws -> Int64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        if let t = Timestamp.parse(text) ?? Int64(text) { return t }
        throw APIError.badRequest("\(name): an RFC 3339 time or microseconds since 1970", field: name)
    }
}

/// Send events as SSE events; a failure mid-stream becomes a last `error` event.
struct SendEventStream: AsyncSequence, Sendable {
    typealias Element = SSEResponse.Event
    let base: AsyncThrowingStream<SendEvent, any Error>

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<SendEvent, any Error>.AsyncIterator
        var finished = false

        mutating func next() async throws -> SSEResponse.Event? {
            guard !finished else { return nil }
            do {
                switch try await base.next() {
                case let .delta(text)?: return .init(name: "delta", data: JSONValue.object([("content", .string(text))]).text)
                case let .toolStep(step)?: return .init(name: "tool_step", data: step.json.text)
                case let .done(ex)?:
                    ServerMetrics.shared.record(usage: ex.assistant.usage, milliseconds: ex.assistant.latencyMilliseconds)
                    return .init(name: "done", data: ConversationRoutes.exchangeJSON(ex).text)
                case nil: return nil
                }
            } catch {
                finished = true
                return .init(name: "error", data: APIError.from(error).json.text)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
