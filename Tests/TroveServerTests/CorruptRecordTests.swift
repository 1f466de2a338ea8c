import Hummingbird
import Testing
import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage
@testable import TroveServer

/// A stored record damaged in value (valid by checksum) is a 500 naming the damage over
/// HTTP, never a record shown with empty or guessed fields; the rest keeps answering.
@Suite struct CorruptRecordTests {
    @Test func aDamagedMessageIsA500WithItsCode() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let conversation = try #require(try await c.call(.post, "/api/conversations", token: ann, json: "{}").json["id"]?.stringValue)
            let sent = try await c.call(.post, "/api/conversations/\(conversation)/messages", token: ann, json: #"{"content": "hello"}"#)
            #expect(sent.status == .created, "\(sent.text)")
            let owner = try #require(try await h.api.accounts.credentials(username: "ann")?.account.id)
            let messages = try await h.system.messages.list(owner: owner, conversationID: conversation).messages
            let stored = try #require(try await h.system.database.get(messages[0].id, in: ChatCollections.messages, tenant: owner))
            var fields = stored.fields.filter { $0.name != "role" }
            fields.append(Field("role", .string("wizard")))
            try await h.system.database.put(Document(id: messages[0].id, fields: fields), in: ChatCollections.messages, tenant: owner)

            let answer = try await c.call(.get, "/api/conversations/\(conversation)/messages", token: ann)
            #expect(answer.status == .internalServerError, "\(answer.text)")
            #expect(answer.json["error"]?["code"]?.stringValue == "corrupt_record")
            #expect(answer.text.contains("role") && !answer.text.contains("/engine"), "\(answer.text)")
            #expect(try await c.call(.get, "/api/conversations/\(conversation)", token: ann).status == .ok)
        }
    }
}
