import Hummingbird
import TroveChat
import TroveJSON

/// `/api/sessions`: the caller's guided sessions (the bot builder). Another user's session
/// is not found, like a missing one.
struct SessionRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        let sessions = api.system.sessions
        router.post("/api/sessions") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["kind", "ttl_seconds"])
            let session = try await sessions.create(owner: owner, kind: try body.requiredString("kind"), ttlSeconds: try body.int("ttl_seconds"))
            return JSONResponse.make(session.json, status: .created)
        }
        router.get("/api/sessions") { request, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.list(try await sessions.list(owner: owner, limit: request.limit).map(\.json), cursor: nil)
        }
        router.get("/api/sessions/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await sessions.get(owner: owner, id: context.parameters.require("id")).json)
        }
        router.post("/api/sessions/{id}/message") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["content"])
            let (session, reply) = try await sessions.message(owner: owner, id: context.parameters.require("id"), text: try body.requiredString("content"))
            return JSONResponse.make(.object([("session", session.json), ("reply", .string(reply))]))
        }
        router.post("/api/sessions/{id}/resume") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try await request.optionalJSONObject(limit: api.settings.maxBodyBytes, members: ["ttl_seconds"])
            return JSONResponse.make(try await sessions.resume(owner: owner, id: context.parameters.require("id"), ttlSeconds: try body?.int("ttl_seconds")).json)
        }
        router.delete("/api/sessions/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            try await sessions.delete(owner: owner, id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}
