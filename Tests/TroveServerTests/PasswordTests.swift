import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer

/// Changing one's password and an admin's reset: both end the account's earlier sessions.
@Suite struct PasswordTests {
    @Test func aChangedPasswordEndsEarlierTokensAndReturnsANewOne() async throws {
        try await ServerHarness.withUser { c, ann in
            let wrong = try await c.call(.post, "/api/auth/password", token: ann, json: #"{"current_password": "not-it-at-all", "new_password": "ann-new-password"}"#)
            #expect(wrong.status == .forbidden)
            let short = try await c.call(.post, "/api/auth/password", token: ann, json: #"{"current_password": "password-ann", "new_password": "short"}"#)
            #expect(short.status == .badRequest && short.json["error"]?["code"]?.stringValue == "$.new_password")
            #expect(try await c.call(.post, "/api/auth/password", token: ann, json: #"{"current_password": "password-ann"}"#).status == .badRequest)
            #expect(try await c.call(.get, "/api/auth/me", token: ann).status == .ok, "refused changes leave the session alone")
            // The token's second must differ from the change's for the old token to be refused.
            try await Task.sleep(for: .milliseconds(1100))
            let changed = try await c.call(.post, "/api/auth/password", token: ann, json: #"{"current_password": "password-ann", "new_password": "ann-new-password"}"#)
            #expect(changed.status == .ok)
            let fresh = try #require(changed.json["access_token"]?.stringValue)
            #expect(try await c.call(.get, "/api/auth/me", token: fresh).status == .ok)
            #expect(try await c.call(.get, "/api/auth/me", token: ann).status == .unauthorized, "the earlier token is over")
            #expect(try await c.call(.post, "/api/auth/login", json: #"{"username": "ann", "password": "password-ann"}"#).status == .unauthorized)
            _ = try await c.login("ann", "ann-new-password")
        }
    }

    @Test func anAdminResetsAPasswordAndOnlyAnAdminMay() async throws {
        try await ServerHarness.withUsers { c, admin, ann, bob in
            let annID = try #require(try await c.call(.get, "/api/auth/me", token: ann).json["id"]?.stringValue)
            #expect(try await c.call(.patch, "/api/users/\(annID)", token: bob, json: #"{"password": "bob-sets-this"}"#).status == .forbidden)
            #expect(try await c.call(.patch, "/api/users/\(annID)", token: admin, json: "{}").status == .badRequest)
            #expect(try await c.call(.patch, "/api/users/\(annID)", token: admin, json: #"{"password": "short"}"#).status == .badRequest)
            #expect(try await c.call(.patch, "/api/users/nobody", token: admin, json: #"{"password": "long-enough-1"}"#).status == .notFound)
            try await Task.sleep(for: .milliseconds(1100))
            let reset = try await c.call(.patch, "/api/users/\(annID)", token: admin, json: #"{"password": "reset-by-admin"}"#)
            #expect(reset.status == .ok && reset.json["username"]?.stringValue == "ann" && reset.json["disabled"]?.boolValue == false)
            #expect(try await c.call(.get, "/api/auth/me", token: ann).status == .unauthorized)
            _ = try await c.login("ann", "reset-by-admin")
            // Both members at once: the reset and the disabling.
            let both = try await c.call(.patch, "/api/users/\(annID)", token: admin, json: #"{"password": "reset-again-1", "disabled": true}"#)
            #expect(both.status == .ok && both.json["disabled"]?.boolValue == true)
            #expect(try await c.call(.post, "/api/auth/login", json: #"{"username": "ann", "password": "reset-again-1"}"#).status == .unauthorized)
        }
    }
}
