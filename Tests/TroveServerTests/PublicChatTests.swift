import Foundation
import HTTPTypes
import Hummingbird
import Testing
import TroveChat
import TroveJSON
@testable import TroveServer
import TroveStandIn
import TroveStorage

/// Visitors chat with a public bot without an account (`/api/chat/{bot_id}`).
@Suite struct PublicChatTests {
    /// Makes a public bot of `token`'s user; returns its id and publishable key.
    private func publicBot(_ c: APIClient, _ token: String, extra: String = "") async throws -> (id: String, pk: String) {
        let made = try await c.call(.post, "/api/agents", token: token, json: #"{"name": "Greeter", "system_prompt": "Greet."\#(extra)}"#)
        let id = try #require(made.json["id"]?.stringValue)
        let pub = try await c.call(.patch, "/api/agents/\(id)", token: token, json: #"{"public": true}"#)
        return (id, try #require(pub.json["publishable_key"]?.stringValue))
    }

    private func count(_ c: APIClient, _ token: String, _ path: String) async throws -> Int {
        try await c.call(.get, path, token: token).json["data"]?.arrayValue?.count ?? -1
    }

    @Test func aPublicBotChatsWithoutCredentialsAndKeepsItsSession() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let bot = try await publicBot(c, ann, extra: #", "tools": ["search_messages", "calculator"]"#)
            #expect(bot.pk.hasPrefix("pk_"))
            let info = try await c.call(.get, "/api/chat/\(bot.id)")
            #expect(info.status == .ok && info.json["name"]?.stringValue == "Greeter" && info.json["system_prompt"] == nil)
            let first = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "hello heron"}"#)
            #expect(first.status == .ok, "\(first.text)")
            let session = try #require(first.json["session_id"]?.stringValue)
            #expect(session.hasPrefix("vs_") && session.count == 43)
            #expect(first.json["message"]?["content"]?.stringValue == "Echo: hello heron")
            #expect(first.json["message"]?["token_usage"] == nil && first.json["conversation_id"] == nil)
            // search_messages would search every message of the owner, other visitors' included.
            let offered = try #require(h.standIn.chatRequests.last?.body)
            #expect(offered.contains("calculator") && !offered.contains("search_messages"), "\(offered.prefix(400))")
            let second = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "and the egret", "session_id": "\#(session)"}"#, headers: [.authorization: "Bearer \(bot.pk)"])
            #expect(second.json["session_id"]?.stringValue == session)
            let sent = try #require(h.standIn.chatRequests.last?.body)
            #expect(sent.contains("hello heron") && sent.contains("Greet."), "the window holds the session's history and the bot's prompt")
            let streamed = try await c.call(.post, "/api/chat/\(bot.id)?stream=true", json: #"{"message": "stream the tide", "session_id": "\#(session)"}"#)
            let events = streamed.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(streamed.headers[.contentType] == "text/event-stream")
            #expect(events.first?.hasPrefix("event: session") == true && events.first?.contains(session) == true)
            #expect(events.filter { $0.hasPrefix("event: delta") }.count >= 2 && events.last?.hasPrefix("event: done") == true)
            let history = try await c.call(.get, "/api/chat/\(bot.id)/session/\(session)")
            #expect(history.json["data"]?.arrayValue?.map { $0["content"]?.stringValue ?? "" }.first == "hello heron")
            #expect(history.json["data"]?.arrayValue?.count == 6)
            // A second visitor gets a session of their own.
            let other = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "who else is here"}"#)
            let otherSession = try #require(other.json["session_id"]?.stringValue)
            #expect(otherSession != session)
            #expect(try await c.call(.get, "/api/chat/\(bot.id)/session/\(otherSession)").json["data"]?.arrayValue?.count == 2)
            // The owner sees both visitors' conversations under the bot, searches their
            // messages by text and time, and sees the bot's usage.
            #expect(try await count(c, ann, "/api/conversations?agent_id=\(bot.id)") == 2)
            _ = try await c.call(.post, "/api/conversations/\(try #require(try await c.call(.post, "/api/conversations", token: ann, json: "{}").json["id"]?.stringValue))/messages",
                                 token: ann, json: #"{"content": "who else is here", "reply": false}"#)
            #expect(try await count(c, ann, "/api/messages/search?q=who%20else&agent_id=\(bot.id)") == 2, "the visitor's message and reply, not the owner's own")
            #expect(try await count(c, ann, "/api/messages/search?q=who%20else") == 3)
            #expect(try await count(c, ann, "/api/messages/search?q=heron&agent_id=\(bot.id)&from=2000-01-01T00:00:00Z") == 2)
            #expect(try await count(c, ann, "/api/messages/search?q=heron&agent_id=\(bot.id)&to=2000-01-01T00:00:00Z") == 0)
            let usage = try await c.call(.get, "/api/usage?agent_id=\(bot.id)", token: ann)
            #expect(usage.json["data"]?.arrayValue?.first?["replies"]?.intValue == 4, "\(usage.text)")
            #expect(try await c.call(.delete, "/api/chat/\(bot.id)/session/\(session)").status == .noContent)
            #expect(try await c.call(.get, "/api/chat/\(bot.id)/session/\(session)").status == .notFound)
            #expect(try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "again", "session_id": "\#(session)"}"#).status == .notFound)
            #expect(try await count(c, ann, "/api/conversations?agent_id=\(bot.id)") == 1)
        }
    }

    @Test func hostileVisitorsGetA4xxAndNothingChanges() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin), bob = try await c.user("bob", admin: admin)
            let a = try await publicBot(c, ann), b = try await publicBot(c, bob)
            let session = try #require(try await c.call(.post, "/api/chat/\(a.id)", json: #"{"message": "hi"}"#).json["session_id"]?.stringValue)
            let privateBot = try #require(try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "Private"}"#).json["id"]?.stringValue)
            let calls = h.standIn.chatRequests.count
            let before = (try await count(c, ann, "/api/conversations"), try await count(c, bob, "/api/conversations"))
            for id in ["nope", privateBot, String(repeating: "x", count: 600)] {
                #expect(try await c.call(.post, "/api/chat/\(id)", json: #"{"message": "hi"}"#).status == .notFound, "\(id)")
            }
            let forged = "vs_" + String(repeating: "a", count: 40)
            for s in [forged, "vs_short", "../../etc", String(repeating: "z", count: 300)] {
                #expect(try await c.call(.post, "/api/chat/\(a.id)", json: #"{"message": "hi", "session_id": "\#(s)"}"#).status.code >= 400)
                #expect(try await c.call(.delete, "/api/chat/\(a.id)/session/\(s)").status == .notFound)
            }
            // Bot A's session on bot B (another owner's): not found, and A's session lives on.
            #expect(try await c.call(.post, "/api/chat/\(b.id)", json: #"{"message": "hi", "session_id": "\#(session)"}"#).status == .notFound)
            #expect(try await c.call(.delete, "/api/chat/\(b.id)/session/\(session)").status == .notFound)
            #expect(try await c.call(.get, "/api/chat/\(a.id)/session/\(session)").status == .ok)
            // ... and on another bot of the same owner.
            let sibling = try await publicBot(c, ann)
            #expect(try await c.call(.post, "/api/chat/\(sibling.id)", json: #"{"message": "hi", "session_id": "\#(session)"}"#).status == .notFound)
            #expect(try await c.call(.get, "/api/chat/\(sibling.id)/session/\(session)").status == .notFound)
            let huge = String(repeating: "w", count: 20_000)
            let cases: [(String, HTTPResponse.Status)] = [
                (#"{"message": ""}"#, .badRequest), (#"{"message": "   "}"#, .badRequest), (#"{"mesage": "typo"}"#, .badRequest),
                (#"{"message": 5}"#, .badRequest), (#"{"message": "\#(huge)"}"#, .unprocessableContent), ("{not json", .badRequest),
                (#"{"message": "\#(String(repeating: "w", count: 70_000))"}"#, .contentTooLarge),
            ]
            for (body, status) in cases {
                #expect(try await c.call(.post, "/api/chat/\(a.id)", json: body).status == status, "\(body.prefix(40))")
            }
            // Public turned off: the bot is gone for visitors, sessions included.
            _ = try await c.call(.patch, "/api/agents/\(a.id)", token: ann, json: #"{"public": false}"#)
            #expect(try await c.call(.post, "/api/chat/\(a.id)", json: #"{"message": "hi", "session_id": "\#(session)"}"#).status == .notFound)
            // A disabled owner's bot answers no one.
            let bobID = try #require(try await c.call(.get, "/api/auth/me", token: bob).json["id"]?.stringValue)
            _ = try await c.call(.patch, "/api/users/\(bobID)", token: admin, json: #"{"disabled": true}"#)
            #expect(try await c.call(.post, "/api/chat/\(b.id)", json: #"{"message": "hi"}"#).status == .notFound)
            #expect(h.standIn.chatRequests.count == calls, "no refused message reached the model")
            #expect(try await count(c, ann, "/api/conversations") == before.0)
            _ = try await c.call(.patch, "/api/users/\(bobID)", token: admin, json: #"{"disabled": false}"#)
            #expect(try await count(c, bob, "/api/conversations") == before.1)
        }
    }

    @Test func aPublishableKeyChatsOnlyWithItsBot() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            let a = try await publicBot(c, ann), b = try await publicBot(c, bob)
            let withKey: HTTPFields = [.authorization: "Bearer \(a.pk)"]
            #expect(try await c.call(.post, "/api/chat/\(a.id)", json: #"{"message": "hi"}"#, headers: withKey).status == .ok)
            #expect(try await c.call(.post, "/api/chat/\(b.id)", json: #"{"message": "hi"}"#, headers: withKey).status == .unauthorized)
            #expect(try await c.call(.post, "/api/chat/\(a.id)", token: ann, json: #"{"message": "hi"}"#).status == .unauthorized,
                    "a user's token is not a visitor's credential")
            for (method, path) in [(HTTPRequest.Method.get, "/api/agents"), (.get, "/api/agents/\(a.id)"), (.patch, "/api/agents/\(a.id)"),
                                   (.get, "/api/conversations"), (.post, "/v1/chat/completions"), (.get, "/api/files"), (.get, "/api/auth/me"),
                                   (.get, "/api/usage"), (.post, "/api/retrieve"), (.get, "/api/collections"), (.post, "/api/admin/backup")] {
                let r = try await c.call(method, path, json: "{}", headers: withKey)
                #expect(r.status == .unauthorized && r.text.contains("publishable key"), "\(path): \(r.status)")
            }
            #expect(try await c.call(.get, "/api/agents/\(a.id)", token: ann).json["public"] == .bool(true), "unchanged")
        }
    }

    @Test func theBotsProviderKeyIsNeverAnswered() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        let provider = try await StandInServer.start(dimension: 8, apiKey: "sk-SECRET-22")
        defer { Task { await provider.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let made = try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "Keyed", "base_url": "\#(provider.baseURL)/v1", "api_key": "sk-SECRET-22"}"#)
            let id = try #require(made.json["id"]?.stringValue)
            #expect(made.json["api_key_set"] == .bool(true) && made.json["api_key"] == nil)
            var answers = [made.text]
            answers.append(try await c.call(.patch, "/api/agents/\(id)", token: ann, json: #"{"public": true}"#).text)
            answers.append(try await c.call(.get, "/api/agents/\(id)", token: ann).text)
            answers.append(try await c.call(.get, "/api/agents", token: ann).text)
            let reply = try await c.call(.post, "/api/chat/\(id)", json: #"{"message": "knock knock"}"#)
            #expect(reply.status == .ok && provider.chatRequests.last?.authorization == "Bearer sk-SECRET-22")
            var visitors = [reply.text]
            visitors.append(try await c.call(.post, "/api/chat/\(id)?stream=true", json: #"{"message": "knock again"}"#).text)
            let convs = try await c.call(.get, "/api/conversations?agent_id=\(id)", token: ann)
            let conv = try #require(convs.json["data"]?.arrayValue?.first?["id"]?.stringValue)
            answers.append(try await c.call(.get, "/api/conversations/\(conv)/messages", token: ann).text)
            let to = h.folder.sub("backup")
            answers.append(try await c.call(.post, "/api/admin/backup", token: admin, json: #"{"to": "\#(to)"}"#).text)
            // A wrong key: the visitor's error names neither the key nor the owner's endpoint.
            _ = try await c.call(.patch, "/api/agents/\(id)", token: ann, json: #"{"api_key": "sk-wrong-22"}"#)
            let failed = try await c.call(.post, "/api/chat/\(id)", json: #"{"message": "knock"}"#)
            #expect(failed.status.code >= 500 && failed.json["error"]?["code"]?.stringValue == "bot_unavailable", "\(failed.text)")
            visitors.append(failed.text)
            for text in answers + visitors {
                #expect(!text.contains("SECRET-22") && !text.contains("sk-wrong"), "\(text.prefix(200))")
            }
            for text in visitors {
                #expect(!text.contains(provider.baseURL.dropFirst(7)), "the owner's endpoint shown to a visitor: \(text.prefix(200))")
            }
            // Not in any file of the data folder or the backup, the write-ahead log included.
            for root in [h.folder.sub("data"), to] {
                let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
                #expect(!files.isEmpty)
                for f in files {
                    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: root + "/" + f))) ?? Data()
                    #expect(bytes.range(of: Data("SECRET-22".utf8)) == nil, "\(root)/\(f)")
                }
            }
        }
    }

    /// The hosted page is framable only by the bot's origins; its API answers name an
    /// allowed page's origin (CORS) and its preflights are answered; the widget script is
    /// loadable from any site.
    @Test func theChatPageAndWidgetHonourTheAllowedOrigins() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            let bot = try await publicBot(c, ann, extra: #", "allowed_origins": ["https://shop.example", "http://127.0.0.1:9"]"#)
            let page = try await c.call(.get, "/chat/\(bot.id)")
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.hasSuffix("frame-ancestors https://shop.example http://127.0.0.1:9") && !csp.contains("unsafe-inline"), "\(csp)")
            let open = try await publicBot(c, ann)
            #expect(try await c.call(.get, "/chat/\(open.id)").headers[.contentSecurityPolicy]?.hasSuffix("frame-ancestors *") == true)
            let privateBot = try #require(try await c.call(.post, "/api/agents", token: ann, json: #"{"name": "P"}"#).json["id"]?.stringValue)
            #expect(try await c.call(.get, "/chat/\(privateBot)").status == .notFound)
            #expect(try await c.call(.get, "/chat/nope").status == .notFound)
            let widget = try await c.call(.get, "/widget.js")
            #expect(widget.status == .ok && widget.headers[.contentType]?.hasPrefix("text/javascript") == true && widget.headers[.contentSecurityPolicy] == nil)
            let shop: HTTPFields = [.origin: "https://shop.example"]
            let info = try await c.call(.get, "/api/chat/\(bot.id)", headers: shop)
            #expect(info.status == .ok && info.headers[.accessControlAllowOrigin] == "https://shop.example" && info.headers[.vary] == "Origin")
            let preflight = try await c.call(.options, "/api/chat/\(bot.id)", headers: shop)
            #expect(preflight.status == .noContent && preflight.headers[.accessControlAllowMethods]?.contains("POST") == true
                    && preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            let evil: HTTPFields = [.origin: "https://evil.example"]
            for method in [HTTPRequest.Method.get, .options] {
                let r = try await c.call(method, "/api/chat/\(bot.id)", headers: evil)
                #expect(r.status == .forbidden && r.headers[.accessControlAllowOrigin] == nil, "\(method)")
            }
            #expect(try await c.call(.get, "/api/chat/\(bot.id)").headers[.accessControlAllowOrigin] == nil, "no Origin, no CORS answer")
        }
    }

    /// The server-wide CORS list does not reach a bot's routes (they answer CORS per bot);
    /// origins are compared as browsers send them; behind a proxy the server's own page is
    /// known by its forwarded host; a visitor whose first message fails leaves nothing
    /// behind; the server's own faults are not shown to visitors.
    @Test func originsProxiesAndFailuresAsVisitorsMeetThem() async throws {
        let h = try await ServerHarness(settings: { $0.corsOrigins = ["https://app.example"] })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let bot = try await publicBot(c, ann, extra: #", "allowed_origins": ["HTTPS://Shop.Example:443"]"#)
            #expect(try await c.call(.get, "/api/agents/\(bot.id)", token: ann).json["allowed_origins"] == .array([.string("https://shop.example")]))
            let shop: HTTPFields = [.origin: "https://shop.example"]
            let info = try await c.call(.get, "/api/chat/\(bot.id)", headers: shop)
            #expect(info.status == .ok && info.headers[.accessControlAllowOrigin] == "https://shop.example", "the server's CORS list left it alone")
            let preflight = try await c.call(.options, "/api/chat/\(bot.id)", headers: shop)
            #expect(preflight.status == .noContent && preflight.headers[.accessControlAllowMethods] == "GET, POST, DELETE")
            #expect(try await c.call(.get, "/api/chat/\(bot.id)", headers: [.origin: "https://app.example"]).status == .forbidden,
                    "the server's CORS origin is not the bot's")
            #expect(try await c.call(.get, "/api/agents", token: ann, headers: [.origin: "https://app.example"]).headers[.accessControlAllowOrigin] == "https://app.example")
            // Behind a proxy: the hosted page's origin is the forwarded host's.
            let proxied: HTTPFields = [.origin: "https://trove.example", HTTPField.Name("X-Forwarded-Host")!: "trove.example"]
            #expect(try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "via the proxy"}"#, headers: proxied).status == .ok)
            #expect(try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "no"}"#, headers: [.origin: "https://trove.example"]).status == .forbidden)
            // A first message the model fails: no session is kept that the visitor never learnt of.
            let down = try await publicBot(c, ann, extra: #", "base_url": "http://127.0.0.1:9/v1""#)
            let failed = try await c.call(.post, "/api/chat/\(down.id)", json: #"{"message": "anyone there"}"#)
            #expect(failed.status.code >= 500 && failed.json["error"]?["code"]?.stringValue == "bot_unavailable")
            #expect(try await count(c, ann, "/api/conversations?agent_id=\(down.id)") == 0)
            // A provider key that does not open (a data key lost): the owner's problem, not told to visitors.
            var stored = try #require(try h.system.database.unscopedGet(bot.id, in: ChatCollections.agents))
            stored = Document(id: stored.id, fields: stored.fields.filter { $0.name != "api_key_sealed" } + [Field("api_key_sealed", .bytes(Array(repeating: 1, count: 40)))])
            guard case let .string(owner)? = stored["owner"] else { throw CancellationError() }
            try await h.system.database.put(stored, in: ChatCollections.agents, tenant: owner)
            let broken = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "hello"}"#)
            #expect(broken.status == .internalServerError && broken.json["error"]?["code"]?.stringValue == "bot_unavailable"
                    && !broken.text.contains("chat_agents") && !broken.text.contains("api_key_sealed"), "\(broken.text)")
        }
    }

    @Test func bucketsBudgetsAndOriginsAnswerBeforeTheModel() async throws {
        let h = try await ServerHarness(settings: { s in
            s.botRateBurst = 3; s.botRateLimitPerSecond = 0.001
            s.visitorRateBurst = 1; s.visitorRateLimitPerSecond = 0.001
        })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let bot = try await publicBot(c, ann, extra: #", "allowed_origins": ["https://shop.example"], "daily_token_budget": 1"#)
            let refused = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "hi"}"#, headers: [.origin: "https://evil.example"])
            #expect(refused.status == .forbidden)
            let first = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "hi"}"#, headers: [.origin: "https://shop.example"])
            #expect(first.status == .ok, "\(first.text)")
            // The budget of 1 token is spent by the first reply.
            var calls = h.standIn.chatRequests.count
            let broke = try await c.call(.post, "/api/chat/\(bot.id)", json: #"{"message": "more"}"#)
            #expect(broke.status == .tooManyRequests && broke.text.contains("today"), "\(broke.text)")
            // Retry after midnight UTC, not in a few seconds.
            let now = Int(Date().timeIntervalSince1970)
            let wait = Int(broke.headers[.retryAfter] ?? "") ?? 0
            #expect(abs(wait - (86_400 - now % 86_400)) <= 5, "Retry-After \(wait)")
            #expect(h.standIn.chatRequests.count == calls)
            // Buckets: the session's holds one message, the bot's three.
            let other = try await publicBot(c, ann)
            let opened = try await c.call(.post, "/api/chat/\(other.id)", json: #"{"message": "one"}"#)
            let session = try #require(opened.json["session_id"]?.stringValue)
            #expect(try await c.call(.post, "/api/chat/\(other.id)", json: #"{"message": "two", "session_id": "\#(session)"}"#).status == .ok)
            calls = h.standIn.chatRequests.count
            let again = try await c.call(.post, "/api/chat/\(other.id)", json: #"{"message": "three", "session_id": "\#(session)"}"#)
            #expect(again.status == .tooManyRequests && again.text.contains("this chat") && again.headers[.retryAfter] != nil, "\(again.text)")
            let full = try await c.call(.post, "/api/chat/\(other.id)", json: #"{"message": "four"}"#)
            #expect(full.status == .tooManyRequests && full.text.contains("this bot"), "\(full.text)")
            #expect(h.standIn.chatRequests.count == calls)
            // Reads are not messages: a widget's page views do not drain the bot's bucket.
            let busy = try await publicBot(c, ann)
            for _ in 0..<6 { #expect(try await c.call(.get, "/api/chat/\(busy.id)").status == .ok) }
            #expect(try await c.call(.post, "/api/chat/\(busy.id)", json: #"{"message": "still room"}"#).status == .ok)
        }
    }
}
