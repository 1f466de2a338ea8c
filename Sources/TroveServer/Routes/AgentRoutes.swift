import Hummingbird

/// `/api/agents`: the caller's agents.
struct AgentRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        let agents = api.system.agents
        router.post("/api/agents") { request, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await agents.create(owner: owner, request.json(limit: api.settings.maxBodyBytes)).json, status: .created)
        }
        router.get("/api/agents") { request, context in
            let owner = try context.requirePrincipal().userID
            let page = try await agents.list(owner: owner, limit: request.limit, cursor: request.uri.queryParameters.get("cursor"))
            return JSONResponse.list(page.agents.map(\.json), cursor: page.cursor)
        }
        router.get("/api/agents/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await agents.get(owner: owner, id: context.parameters.require("id")).json)
        }
        router.patch("/api/agents/{id}") { request, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await agents.update(owner: owner, id: context.parameters.require("id"), request.json(limit: api.settings.maxBodyBytes)).json)
        }
        router.delete("/api/agents/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            try await agents.delete(owner: owner, id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}

extension Request {
    /// `?limit=` (1…1000, default 50); a bad value is a 400.
    var limit: Int {
        get throws {
            guard let text = uri.queryParameters.get("limit") else { return 50 }
            guard let n = Int(text), (1...1000).contains(n) else { throw APIError.badRequest("limit: an integer in 1...1000", field: "limit") }
            return n
        }
    }
}
