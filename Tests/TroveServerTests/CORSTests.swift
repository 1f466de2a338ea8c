import Hummingbird
import HummingbirdTesting
import Testing
@testable import TroveServer

/// CORS: closed unless origins are configured, and then only those origins are answered.
@Suite struct CORSTests {
    static let preflight: HTTPFields = [.origin: "https://app.example", .accessControlRequestMethod: "POST",
                                        .accessControlRequestHeaders: "authorization, content-type"]

    @Test func closedByDefault() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let get = try await c.call(.get, "/health", headers: [.origin: "https://app.example"])
            #expect(get.status == .ok)
            #expect(get.headers[.accessControlAllowOrigin] == nil)
            let options = try await c.call(.options, "/api/agents", headers: Self.preflight)
            #expect(options.headers[.accessControlAllowOrigin] == nil)
            #expect(options.headers[.accessControlAllowMethods] == nil)
        }
    }

    @Test func onlyConfiguredOriginsAreAnswered() async throws {
        let h = try await ServerHarness(settings: { $0.corsOrigins = ["https://app.example", "https://admin.example"] })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let options = try await c.call(.options, "/api/agents", headers: Self.preflight)
            #expect(options.status.code < 300)
            #expect(options.headers[.accessControlAllowOrigin] == "https://app.example")
            #expect(options.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(options.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            let second = try await c.call(.get, "/health", headers: [.origin: "https://admin.example"])
            #expect(second.headers[.accessControlAllowOrigin] == "https://admin.example")
            // Another origin gets no CORS header at all, on a preflight or a plain request.
            var evil = Self.preflight
            evil[.origin] = "https://evil.example"
            #expect(try await c.call(.options, "/api/agents", headers: evil).headers[.accessControlAllowOrigin] == nil)
            #expect(try await c.call(.get, "/health", headers: [.origin: "https://evil.example"]).headers[.accessControlAllowOrigin] == nil)
            // CORS changes no authorisation: a cross-origin call without credentials is still 401.
            let anonymous = try await c.call(.get, "/api/agents", headers: [.origin: "https://app.example"])
            #expect(anonymous.status == .unauthorized, "\(anonymous.status) \(anonymous.text)")
            #expect(anonymous.json["error"]?["code"] != nil)
            #expect(anonymous.headers[.accessControlAllowOrigin] == "https://app.example")
        }
    }
}
