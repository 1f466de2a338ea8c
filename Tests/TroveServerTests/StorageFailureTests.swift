#if canImport(Glibc)
import Glibc
import TroveJSON
#endif
import Hummingbird
import Testing
import TroveEngine
import TroveStorage
import TroveTestSupport
@testable import TroveServer

/// A live server whose disk fills up and then frees space: writes answer 507 with a clear
/// message and no paths, reads keep answering, and writes resume with no restart.
@Suite struct StorageFailureTests {
    @Test func aFullDiskAnswers507AndWritesResumeWhenSpaceReturns() async throws {
        let fs = FaultInjectingFileSystem()
        var options = DatabaseOptions()
        options.store.fileSystem = fs
        try await ServerHarness.withUser(database: options) { c, ann in
            let schema = #"{"name": "notes", "schema": {"fields": [{"name": "body", "type": "text"}]}}"#
            #expect(try await c.call(.post, "/api/collections", token: ann, json: schema).status == .created)
            #expect(try await c.call(.put, "/api/collections/notes/documents/n1", token: ann, json: #"{"body": "before"}"#).status == .ok)

            fs.inject(Fault(.write, errno: ENOSPC, torn: true, persistent: true))
            for id in ["n2", "n3"] {
                let refused = try await c.call(.put, "/api/collections/notes/documents/\(id)", token: ann, json: #"{"body": "during"}"#)
                #expect(refused.status.code == 507, "\(refused.text)")
                #expect(refused.json["error"]?["code"]?.stringValue == "insufficient_storage")
                #expect(refused.headers[.retryAfter] == "30")
                #expect(!refused.text.contains("/engine"), "no paths: \(refused.text)")
            }
            #expect(try await c.call(.get, "/api/collections/notes/documents/n1", token: ann).status == .ok, "reads go on")

            fs.clear()
            #expect(try await c.call(.put, "/api/collections/notes/documents/n4", token: ann, json: #"{"body": "after"}"#).status == .ok)
            for (id, status) in [("n1", HTTPResponse.Status.ok), ("n2", .notFound), ("n3", .notFound), ("n4", .ok)] {
                #expect(try await c.call(.get, "/api/collections/notes/documents/\(id)", token: ann).status == status, "\(id)")
            }
        }
    }
}
