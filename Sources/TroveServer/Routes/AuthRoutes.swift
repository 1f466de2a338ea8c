import Hummingbird
import TroveChat
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
            return try await tokenResponse(user)
        }
    }

    private func tokenResponse(_ user: UserAccount) async throws -> Response {
        let token = try await api.tokens.issue(userID: user.id, role: user.role)
        return JSONResponse.make(.object([("access_token", .string(token)), ("token_type", .string("bearer")),
                                          ("expires_in", .int(Int64(api.tokens.lifetime)))]))
    }

    func addPrivate(to router: RouterGroup<TroveRequestContext>) {
        router.get("/api/auth/me") { _, context in
            let p = try context.requirePrincipal()
            guard let user = try await api.accounts.get(p.userID) else { throw APIError.unauthorized("the user no longer exists") }
            return JSONResponse.make(user.json)
        }
        router.post("/api/auth/password") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["current_password", "new_password"])
            let (current, new) = (try body.requiredString("current_password"), try body.requiredString("new_password"))
            // Guessing the current password through a stolen session is throttled as logins are.
            if let wait = api.logins.admit(username: p.username, address: context.clientAddress) {
                throw APIError.busy("too many password attempts: retry in \(wait) s", retryAfter: wait)
            }
            let changed = try await api.users.changePassword(userID: p.userID, current: current, new: new)
            api.logins.record(username: p.username, success: changed != nil)
            guard let changed else { throw APIError.forbidden("the current password is wrong") }
            // Every earlier token is now refused; this one carries the session on.
            return try await tokenResponse(changed)
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
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["disabled", "password"])
            let id = try context.parameters.require("id")
            let (disabled, password) = (try body.bool("disabled"), try body.string("password"))
            guard disabled != nil || password != nil else { throw APIError.badRequest("$: give disabled, password or both", field: "$") }
            if let password { try Accounts.checkPassword(password, field: "$.password") }
            guard var user = try await api.accounts.get(id) else { throw APIError.notFound("no user '\(id)'") }
            if let password { user = try await api.users.setPassword(userID: id, password) }
            if let disabled { user = try await api.accounts.setDisabled(id, disabled) }
            return JSONResponse.make(user.json)
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
