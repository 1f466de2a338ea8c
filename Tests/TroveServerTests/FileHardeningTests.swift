import Foundation
import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

/// Uploads shaped to multiply work, and deletes raced against each other.
@Suite struct FileHardeningTests {
    private func upload(_ c: APIClient, _ token: String, name: String, _ body: String) async throws -> APIClient.Answer {
        try await c.call(.post, "/api/files?name=\(name)", token: token, json: nil, headers: [.contentType: "application/octet-stream"], raw: body)
    }

    /// A few kilobytes whose flattened text (every leaf with its full path) is megabytes.
    static let deepJSON: String = {
        let depth = 200, leaves = 5_000
        return #"{"a": "# + String(repeating: "[", count: depth) + Array(repeating: "1", count: leaves).joined(separator: ",")
            + String(repeating: "]", count: depth) + "}"
    }()

    /// A CSV whose one very long header is repeated before every cell.
    static let wideHeaderCSV: String = {
        "id," + String(repeating: "h", count: 10_000) + "\n" + (0..<300).map { "\($0),x" }.joined(separator: "\n") + "\n"
    }()

    @Test func uploadsThatFlattenIntoFarMoreTextAreRefusedAndStoreNothing() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            for (name, body) in [("deep.json", Self.deepJSON), ("wide.csv", Self.wideHeaderCSV)] {
                let r = try await upload(c, ann, name: name, body)
                #expect(r.status == .unprocessableContent && r.json["error"]?["code"]?.stringValue == "limit_exceeded", "\(name): \(r.status) \(r.text.prefix(300))")
            }
            #expect(try await c.call(.get, "/api/files", token: ann).json["data"]?.arrayValue?.isEmpty == true, "nothing stored")
            // The same shapes at a sane size still index.
            let small = try await upload(c, ann, name: "small.json", #"{"a": [[[1, 2, 3]]], "b": {"c": "otter"}}"#)
            #expect(small.status == .created && small.json["status"]?.stringValue == "indexed", "\(small.text)")
        }
    }

    /// Blobs are shared by content across users. Sixteen parallel deletes of one user's
    /// copy used to take every reference off the blob and remove the other user's bytes.
    @Test func parallelDeletesOfOneCopyLeaveAnotherUsersCopyWhole() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            let text = "The otter and the heron share the marsh at dawn.\n"
            let bobs = try await upload(c, bob, name: "marsh.txt", text)
            let anns = try await upload(c, ann, name: "marsh.txt", text)
            let bobID = try #require(bobs.json["id"]?.stringValue), annID = try #require(anns.json["id"]?.stringValue)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<16 { group.addTask { try await c.call(.delete, "/api/files/\(annID)", token: ann).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .noContent }.count == 1 && statuses.filter { $0 == .notFound }.count == 15, "\(statuses)")
            let link = try await c.call(.get, "/api/files/\(bobID)/url", token: bob)
            let download = try await c.call(.get, try #require(link.json["url"]?.stringValue))
            #expect(download.status == .ok && download.text == text, "bob's file lost its bytes")
        }
    }
}

/// Signed links, reindexing and backups over HTTP.
@Suite struct FileLifecycleRouteTests {
    @Test func aSignedLinkDiesWithItsOwnersAccount() async throws {
        try await ServerHarness.withUsers { c, admin, ann, _ in
            let up = try await c.call(.post, "/api/files?name=a.txt", token: ann, json: nil, headers: [.contentType: "text/plain"], raw: "The marsh at dawn.")
            let id = try #require(up.json["id"]?.stringValue)
            let path = try #require(try await c.call(.get, "/api/files/\(id)/url", token: ann).json["url"]?.stringValue)
            #expect(try await c.call(.get, path).status == .ok)
            let annID = try #require(try await c.call(.get, "/api/auth/me", token: ann).json["id"]?.stringValue)
            #expect(try await c.call(.patch, "/api/users/\(annID)", token: admin, json: #"{"disabled": true}"#).status == .ok)
            #expect(try await c.call(.get, path).status == .notFound, "a disabled user's link still served")
            #expect(try await c.call(.delete, "/api/users/\(annID)", token: admin).status == .noContent)
            #expect(try await c.call(.get, path).status == .notFound, "a deleted user's link still served")
        }
    }

    @Test func aStoredFileCanBeIndexedAgain() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            let up = try await c.call(.post, "/api/files?name=a.txt", token: ann, json: nil, headers: [.contentType: "text/plain"], raw: "Herons nest in the reeds.")
            let id = try #require(up.json["id"]?.stringValue)
            let again = try await c.call(.post, "/api/files/\(id)/reindex", token: ann)
            #expect(again.status == .ok && again.json["status"]?.stringValue == "indexed" && again.json["chunks"]?.intValue == 1, "\(again.text)")
            #expect(try await c.call(.post, "/api/files/\(id)/reindex", token: bob).status == .notFound)
        }
    }

    @Test func anAdminBacksUpTheDataFolderOnline() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            _ = try await c.call(.post, "/api/files?name=a.txt", token: ann, json: nil, headers: [.contentType: "text/plain"], raw: "Tides and herons.")
            let to = h.folder.sub("backup")
            #expect(try await c.call(.post, "/api/admin/backup", token: ann, json: #"{"to": "\#(to)"}"#).status == .forbidden)
            let made = try await c.call(.post, "/api/admin/backup", token: admin, json: #"{"to": "\#(to)"}"#)
            #expect(made.status == .created && made.json["blobs"]?.intValue == 1 && (made.json["secrets"]?.intValue ?? 0) >= 2, "\(made.text)")
            #expect(FileManager.default.fileExists(atPath: to + "/secrets/jwt.key") && FileManager.default.fileExists(atPath: to + "/engine/MANIFEST"))
            #expect(try await c.call(.post, "/api/admin/backup", token: admin, json: #"{"to": "\#(to)"}"#).status == .badRequest, "not empty")
        }
    }

    /// A storage failure (here: a blob whose bytes no longer match its hash) is a 500 whose
    /// body gives a reference to the log, not the data folder's paths.
    @Test func serverErrorsDoNotShowInternalDetail() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let up = try await c.call(.post, "/api/files?name=a.txt", token: ann, json: nil, headers: [.contentType: "text/plain"], raw: "Reeds and rushes.")
            let id = try #require(up.json["id"]?.stringValue), sha = try #require(up.json["sha256"]?.stringValue)
            let blob = h.folder.sub("data") + "/blobs/sha256/\(sha.prefix(2))/\(sha)"
            try Data("tampered".utf8).write(to: URL(fileURLWithPath: blob))
            let path = try #require(try await c.call(.get, "/api/files/\(id)/url", token: ann).json["url"]?.stringValue)
            let r = try await c.call(.get, path)
            #expect(r.status == .internalServerError && r.json["error"]?["message"]?.stringValue?.contains("reference") == true, "\(r.text)")
            #expect(!r.text.contains(h.folder.path) && !r.text.contains(sha), "\(r.text)")
        }
    }
}
