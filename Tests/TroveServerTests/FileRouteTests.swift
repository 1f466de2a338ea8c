import Foundation
import Hummingbird
import NIOCore
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

@Suite struct FileRouteTests {
    private func multipart(_ bytes: [UInt8], filename: String, collection: String? = nil) -> (HTTPFields, String) {
        let boundary = "----trove-test-boundary"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        body += String(decoding: bytes, as: UTF8.self) + "\r\n"
        if let collection { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\n\(collection)\r\n" }
        body += "--\(boundary)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], body)
    }

    @Test func uploadListSignedDownloadAndDelete() async throws {
        let h = try await ServerHarness { $0.maxUploadBytes = 10_000 }
        defer { Task { await h.stop() } }
        let text = Array(try Data(contentsOf: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/Tests/TroveChatTests/Fixtures/sample.txt")))
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let bob = try await c.user("bob", admin: admin)
            let (headers, body) = multipart(text, filename: "marsh.txt", collection: "birds")
            let up = try await c.call(.post, "/api/files", token: ann, json: nil, headers: headers, raw: body)
            #expect(up.status == .created, "\(up.text)")
            #expect(up.json["status"]?.stringValue == "indexed" && up.json["collection"]?.stringValue == "birds" && up.json["name"]?.stringValue == "marsh.txt")
            let id = try #require(up.json["id"]?.stringValue)
            #expect(try await c.call(.get, "/api/files?collection=birds", token: ann).json["data"]?.arrayValue?.count == 1)
            #expect(try await c.call(.get, "/api/files/\(id)", token: bob).status == .notFound)
            #expect(try await c.call(.get, "/api/files/\(id)/url", token: bob).status == .notFound)
            let link = try await c.call(.get, "/api/files/\(id)/url?expires_in=60", token: ann)
            let path = try #require(link.json["url"]?.stringValue)
            let download = try await c.call(.get, path)
            #expect(download.status == .ok && Array(download.text.utf8) == text && download.headers[.contentType] == "text/plain")
            var tampered = Array(path)
            tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
            #expect(try await c.call(.get, String(tampered)).status == .forbidden)
            let raw = try await c.call(.post, "/api/files?name=notes.md", token: ann, json: nil, headers: [.contentType: "application/octet-stream"], raw: "# Notes\n\nThe otter swims at dusk.")
            #expect(raw.status == .created && raw.json["type"]?.stringValue == "md")
            let big = try await c.call(.post, "/api/files?name=big.txt", token: ann, json: nil, headers: [.contentType: "text/plain"], raw: String(repeating: "a", count: 100_000))
            #expect(big.status == .contentTooLarge)
            let binary = try await c.call(.post, "/api/files?name=x.txt", token: ann, json: nil, headers: [.contentType: "text/plain"], raw: "\u{0}\u{1}\u{2}binary")
            #expect(binary.status == .unsupportedMediaType)
            #expect(try await c.call(.delete, "/api/files/\(id)", token: bob).status == .notFound)
            #expect(try await c.call(.delete, "/api/files/\(id)", token: ann).status == .noContent)
            #expect(try await c.call(.get, path).status == .notFound)
        }
    }
}
