import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

@Suite struct OpenAPITests {
    @Test func theDocumentListsExactlyTheRoutesTheServerHas() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        let doc = try JSONParser.parse(OpenAPIDocument.json)
        #expect(doc["openapi"]?.stringValue == "3.1.0")
        var documented = Set<String>()
        for path in doc["paths"]?.objectValue ?? [] {
            for method in path.value.objectValue ?? [] { documented.insert("\(method.key.uppercased()) \(path.key)") }
        }
        let served = Set(h.api.router().routes.map { r in
            // A route's `**` (the rest of the path) is documented as the parameter `{rest}`.
            "\(r.method.rawValue) " + r.path.description.replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "/**", with: "/{rest}")
        })
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        try await h.run { c in
            #expect(try await c.call(.get, "/openapi.json").json["paths"] != nil)
            #expect(try await c.call(.get, "/docs").text.contains("/openapi.json"))
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            _ = try await c.call(.get, "/api/auth/me", token: admin)
            let metrics = try await c.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("trove_collection_documents{collection=\"auth_users\"}"))
            #expect(metrics.text.contains("hb_requests") || metrics.text.contains("hb_request"), "\(metrics.text.prefix(500))")
            let health = try await c.call(.get, "/health")
            #expect(health.json["status"]?.stringValue == "ok" && health.json["chat_provider"]?["status"]?.stringValue == "ok")
        }
    }
}
