import Hummingbird
import TroveJSON

/// Login, the caller's identity, and the caller's API keys.
struct AuthRoutes {
    let api: TroveAPI

    func addPublic(to router: RouterGroup<TroveRequestContext>) {
        router.post("/api/auth/login") { request, context in
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["username", "password"])
            let (username, password) = (try body.requiredString("username"), try body.requiredString("password"))
            let account = username.lowercased()
            if let wait = api.logins.admit(username: account, address: context.clientAddress) {
                throw APIError.busy("too many login attempts: retry in \(wait) s", retryAfter: wait)
            }
            let user = try await api.users.authenticate(username: account, password: password)
            api.logins.record(username: account, success: user != nil)
            guard let user else { throw APIError.unauthorized("wrong username or password") }
            let token = try await api.tokens.issue(userID: user.id, role: user.role)
            return JSONResponse.make(.object([("access_token", .string(token)), ("token_type", .string("bearer")),
                                              ("expires_in", .int(Int64(api.tokens.lifetime)))]))
        }
    }

    func addPrivate(to router: RouterGroup<TroveRequestContext>) {
        router.get("/api/auth/me") { _, context in
            let p = try context.requirePrincipal()
            guard let user = try await api.accounts.get(p.userID) else { throw APIError.unauthorized("the user no longer exists") }
            return JSONResponse.make(user.json)
        }
        router.post("/api/keys") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["name"])
            let (secret, info) = try await api.accounts.createKey(userID: p.userID, name: try body.string("name") ?? "")
            guard case var .object(members) = info.json else { return JSONResponse.make(info.json) }
            members.append(JSONMember("key", .string(secret)))
            return JSONResponse.make(.object(members), status: .created)
        }
        router.get("/api/keys") { _, context in
            let p = try context.requirePrincipal()
            return JSONResponse.list(try await api.accounts.listKeys(userID: p.userID).map(\.json))
        }
        router.delete("/api/keys/{id}") { _, context in
            let p = try context.requirePrincipal()
            try await api.accounts.revokeKey(userID: p.userID, keyID: try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}

/// Users, for admins only (a user calling them gets 403).
struct UserRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        router.post("/api/users") { request, context in
            try admin(context)
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["username", "password", "role"])
            let (username, password) = (try body.requiredString("username"), try body.requiredString("password"))
            let roleName = try body.string("role") ?? "user"
            guard let role = Principal.Role(rawValue: roleName) else { throw APIError.badRequest("$.role: admin or user", field: "$.role") }
            return JSONResponse.make(try await api.users.create(username: username, password: password, role: role).json, status: .created)
        }
        router.get("/api/users") { request, context in
            try admin(context)
            let page = try await api.accounts.list(limit: request.limit, cursor: request.uri.queryParameters.get("cursor"))
            return JSONResponse.list(page.users.map(\.json), cursor: page.cursor)
        }
        router.patch("/api/users/{id}") { request, context in
            try admin(context)
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["disabled"])
            let disabled = try body.requiredBool("disabled")
            return JSONResponse.make(try await api.accounts.setDisabled(try context.parameters.require("id"), disabled).json)
        }
        router.delete("/api/users/{id}") { _, context in
            try admin(context)
            try await api.accounts.delete(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }

    private func admin(_ context: TroveRequestContext) throws {
        guard try context.requirePrincipal().role == .admin else { throw APIError.forbidden("this route is for admins") }
    }
}
