import Hummingbird
import Testing
import TroveJSON
@testable import TroveServer
import TroveStorage

/// Conversation and message bodies are read strictly: a wrongly typed or unknown member
/// is a 400 naming its path, and nothing is stored. Before, `"reply": "no"` asked the
/// model anyway, `"attachments": [1]` was dropped and a misspelt `"titel"` was ignored.
@Suite struct ConversationRouteTests {
    @Test func wronglyTypedOrUnknownMembersAreRefusedWithTheirPath() async throws {
        try await ServerHarness.withUser { c, ann in
            let made = try await c.call(.post, "/api/conversations", token: ann, json: #"{"title": "plans"}"#)
            #expect(made.status == .created, "\(made.text)")
            let id = try #require(made.json["id"]?.stringValue)
            let cases: [(HTTPRequest.Method, String, String, String)] = [
                (.post, "/api/conversations", #"{"title": 5}"#, "$.title"),
                (.post, "/api/conversations", #"{"agent": "a1"}"#, "$.agent"),
                (.patch, "/api/conversations/\(id)", #"{"titel": "x"}"#, "$.titel"),
                (.patch, "/api/conversations/\(id)", #"{"title": ["x"]}"#, "$.title"),
                (.post, "/api/conversations/\(id)/messages", #"{"content": 5}"#, "$.content"),
                (.post, "/api/conversations/\(id)/messages", #"{"content": "hi", "attachments": [1]}"#, "$.attachments[0]"),
                (.post, "/api/conversations/\(id)/messages", #"{"content": "hi", "reply": "no"}"#, "$.reply"),
                (.post, "/api/conversations/\(id)/messages", #"{"content": "hi", "stream": 1}"#, "$.stream"),
                (.post, "/api/conversations/\(id)/messages", #"{"content": "hi", "reply": false, "role": 1}"#, "$.role"),
                (.post, "/api/conversations/\(id)/messages", #"{"content": "hi", "contnet": "x"}"#, "$.contnet"),
                (.post, "/api/conversations/\(id)/messages", #"["hi"]"#, "$"),
            ]
            for (method, uri, body, path) in cases {
                let r = try await c.call(method, uri, token: ann, json: body)
                #expect(r.status == .badRequest && r.json["error"]?["code"]?.stringValue == path, "\(body): \(r.status) \(r.text)")
            }
            let list = try await c.call(.get, "/api/conversations", token: ann)
            #expect(list.json["data"]?.arrayValue?.count == 1)
            let messages = try await c.call(.get, "/api/conversations/\(id)/messages", token: ann)
            #expect(messages.status == .ok && messages.json["data"]?.arrayValue?.isEmpty == true, "\(messages.text)")
            let title = try await c.call(.get, "/api/conversations/\(id)", token: ann)
            #expect(title.json["title"]?.stringValue == "plans")
        }
    }
}
