import Foundation
import Hummingbird
import HummingbirdBcrypt
import JWTKit
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

@Suite struct AuthTests {
    @Test func loginMeKeysAndEveryBadCredentialIs401() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let login = try await c.call(.post, "/api/auth/login", json: #"{"username": "admin", "password": "\#(ServerHarness.adminPassword)"}"#)
            #expect(login.status == .ok && login.json["token_type"]?.stringValue == "bearer" && login.json["expires_in"]?.intValue == 3600)
            let token = try #require(login.json["access_token"]?.stringValue)
            let me = try await c.call(.get, "/api/auth/me", token: token)
            #expect(me.status == .ok && me.json["username"]?.stringValue == "admin" && me.json["role"]?.stringValue == "admin")
            #expect(try await c.call(.post, "/api/auth/login", json: #"{"username": "admin", "password": "nope-nope"}"#).status == .unauthorized)
            #expect(try await c.call(.post, "/api/auth/login", json: #"{"username": "ghost", "password": "nope-nope"}"#).status == .unauthorized)
            // Missing, malformed, tampered, expired and wrong-algorithm tokens.
            #expect(try await c.call(.get, "/api/auth/me").status == .unauthorized)
            #expect(try await c.call(.get, "/api/auth/me", headers: [.authorization: "Basic abc"]).status == .unauthorized)
            var parts = token.split(separator: ".").map(String.init)
            // A changed payload byte (the signature stays): must not verify.
            parts[1] = (parts[1].hasPrefix("e") ? "f" : "e") + parts[1].dropFirst()
            #expect(try await c.call(.get, "/api/auth/me", token: parts.joined(separator: ".")).status == .unauthorized)
            let admin = try #require(try await h.api.accounts.list().users.first)
            let expired = try await h.api.tokens.issue(userID: admin.id, role: .admin, now: Date(timeIntervalSinceNow: -7200))
            #expect(try await c.call(.get, "/api/auth/me", token: expired).status == .unauthorized)
            let none = [#"{"alg":"none","typ":"JWT"}"#, #"{"sub":"\#(admin.id)","exp":9999999999,"iat":0,"role":"admin"}"#]
                .map { Data($0.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "") }.joined(separator: ".") + "."
            #expect(try await c.call(.get, "/api/auth/me", token: none).status == .unauthorized)
            let otherKey = await JWTKeyCollection().add(hmac: HMACKey(from: "another secret, long enough for HS256 keys"), digestAlgorithm: .sha256)
            let foreign = try await otherKey.sign(AccessClaims(sub: .init(value: admin.id), exp: .init(value: Date(timeIntervalSinceNow: 600)), iat: .init(value: Date()), role: "admin"))
            #expect(try await c.call(.get, "/api/auth/me", token: foreign).status == .unauthorized)
            let bad = try await c.call(.get, "/api/auth/me", token: foreign)
            #expect(bad.json["error"]?["type"]?.stringValue == "authentication_error")
            // API keys: shown once, usable as a bearer, revocable.
            let created = try await c.call(.post, "/api/keys", token: token, json: #"{"name": "ci"}"#)
            #expect(created.status == .created)
            let key = try #require(created.json["key"]?.stringValue)
            #expect(key.hasPrefix("trv_"))
            #expect(try await c.call(.get, "/api/auth/me", token: key).json["username"]?.stringValue == "admin")
            let listed = try await c.call(.get, "/api/keys", token: token)
            #expect(!listed.text.contains(key) && listed.json["data"]?.arrayValue?.count == 1)
            let keyID = try #require(created.json["id"]?.stringValue)
            #expect(try await c.call(.delete, "/api/keys/\(keyID)", token: token).status == .noContent)
            #expect(try await c.call(.get, "/api/auth/me", token: key).status == .unauthorized)
        }
    }

    @Test func usersAreForAdminsAndDisabledUsersAreLockedOut() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let created = try await c.call(.post, "/api/users", token: admin, json: #"{"username": "ann", "password": "password-ann", "role": "user"}"#)
            #expect(created.status == .created && created.json["role"]?.stringValue == "user" && !created.text.contains("password"))
            #expect(try await c.call(.post, "/api/users", token: admin, json: #"{"username": "ann", "password": "password-ann2"}"#).status == .conflict)
            #expect(try await c.call(.post, "/api/users", token: admin, json: #"{"username": "bo", "password": "short"}"#).status == .badRequest)
            let ann = try await c.login("ann", "password-ann")
            #expect(try await c.call(.get, "/api/users", token: ann).status == .forbidden)
            #expect(try await c.call(.post, "/api/users", token: ann, json: #"{"username": "eve", "password": "password-eve"}"#).status == .forbidden)
            let annID = try #require(created.json["id"]?.stringValue)
            #expect(try await c.call(.patch, "/api/users/\(annID)", token: admin, json: #"{"disabled": true}"#).json["disabled"]?.boolValue == true)
            #expect(try await c.call(.get, "/api/auth/me", token: ann).status == .unauthorized)
            #expect(try await c.call(.post, "/api/auth/login", json: #"{"username": "ann", "password": "password-ann"}"#).status == .unauthorized)
            #expect(try await c.call(.delete, "/api/users/\(annID)", token: admin).status == .noContent)
            #expect(try await c.call(.get, "/api/users", token: admin).json["data"]?.arrayValue?.count == 1)
        }
    }

    /// Login, key, user, backup and collection bodies are read strictly: before, a
    /// misspelt `"nmae"` made a key named "", `"disabled": "true"` was "required", and a
    /// `"role": 1` became a user.
    @Test func bodiesWithWrongTypesOrUnknownMembersAre400WithThePath() async throws {
        try await ServerHarness.withUsers { c, admin, ann, _ in
            let cases: [(String, String, String, String)] = [
                ("/api/auth/login", "", #"{"username": "admin", "password": "x", "remember": true}"#, "$.remember"),
                ("/api/auth/login", "", #"{"username": 1, "password": "x"}"#, "$.username"),
                ("/api/auth/login", "", #"{"password": "x"}"#, "$.username"),
                ("/api/keys", ann, #"{"nmae": "laptop"}"#, "$.nmae"),
                ("/api/keys", ann, #"{"name": ["laptop"]}"#, "$.name"),
                ("/api/users", admin, #"{"username": "cy", "password": "a-long-password", "role": 1}"#, "$.role"),
                ("/api/users", admin, #"{"username": "cy", "password": "a-long-password", "admin": true}"#, "$.admin"),
                ("/api/admin/backup", admin, #"{"to": "/tmp/x", "force": true}"#, "$.force"),
                ("/api/collections", ann, #"{"name": "n", "schema": {"fields": []}, "extra": 1}"#, "$.extra"),
                ("/api/collections", ann, #"{"name": "n", "schema": []}"#, "$.schema"),
            ]
            for (uri, token, body, path) in cases {
                let r = try await c.call(.post, uri, token: token.isEmpty ? nil : token, json: body)
                #expect(r.status == .badRequest && r.json["error"]?["code"]?.stringValue == path, "\(uri) \(body): \(r.status) \(r.text)")
            }
            let users = try await c.call(.get, "/api/users", token: admin)
            #expect(users.json["data"]?.arrayValue?.contains { $0["username"]?.stringValue == "cy" } == false)
            #expect(try await c.call(.get, "/api/keys", token: ann).json["data"]?.arrayValue?.isEmpty == true)
            let annID = try #require(users.json["data"]?.arrayValue?.first { $0["username"]?.stringValue == "ann" }?["id"]?.stringValue)
            let patch = try await c.call(.patch, "/api/users/\(annID)", token: admin, json: #"{"disabled": "true"}"#)
            #expect(patch.status == .badRequest && patch.json["error"]?["code"]?.stringValue == "$.disabled", "\(patch.text)")
            #expect(try await c.call(.get, "/api/auth/me", token: ann).status == .ok)
        }
    }

    /// The user list pages with limit and cursor; before, it returned at most 10,000 users
    /// with no cursor, and `?limit=` was ignored.
    @Test func usersArePagedWithACursor() async throws {
        try await ServerHarness.withUsers { c, admin, _, _ in
            _ = try await c.user("carol", admin: admin)
            var names: [String] = []
            var uri = "/api/users?limit=2"
            var pages = 0
            while true {
                let r = try await c.call(.get, uri, token: admin)
                #expect(r.status == .ok, "\(r.text)")
                let data = r.json["data"]?.arrayValue ?? []
                #expect(data.count <= 2)
                names += data.compactMap { $0["username"]?.stringValue }
                pages += 1
                guard let next = r.json["next_cursor"]?.stringValue, pages < 10 else { break }
                uri = "/api/users?limit=2&cursor=\(next)"
            }
            #expect(names == ["admin", "ann", "bob", "carol"] && pages == 2)
            #expect(try await c.call(.get, "/api/users?limit=0", token: admin).status == .badRequest)
            #expect(try await c.call(.get, "/api/users?cursor=not-a-cursor", token: admin).status == .badRequest)
        }
    }

    @Test func passwordsAreStoredAsBcryptCost12ByDefault() async throws {
        #expect(ServerSettings().bcryptCost == 12)
        let hash = Bcrypt.hash("correct horse", cost: ServerSettings().bcryptCost)
        #expect(hash.hasPrefix("$2b$12$") && Bcrypt.verify("correct horse", hash: hash) && !Bcrypt.verify("wrong horse", hash: hash))
    }

    @Test func aKeysTokenBucketAnswers429WithRetryAfter() async throws {
        let h = try await ServerHarness(settings: { $0.rateLimitBurst = 3; $0.rateLimitPerSecond = 0.01 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(Int(try await c.call(.get, "/api/auth/me", token: admin).status.code)) }
            #expect(statuses == [200, 200, 200, 429, 429])
            let limited = try await c.call(.get, "/api/auth/me", token: admin)
            #expect(limited.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(limited.json["error"]?["type"]?.stringValue == "rate_limit_error")
        }
    }
}
