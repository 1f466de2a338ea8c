import Foundation
import Hummingbird
import Logging
import Testing
import TroveChat
import TroveJSON
@testable import TroveServer

/// `/api/sessions` over HTTP: a bot-builder session from start to a created bot (the
/// stand-in calls `record_fields` when a message holds `[[call record_fields {...}]]`),
/// each user's sessions their own, bad input answered 4xx with nothing changed, and the
/// sweeper abandoning an idle one.
@Suite struct SessionRouteTests {
    private func say(_ c: APIClient, _ token: String, _ id: String, _ text: String) async throws -> APIClient.Answer {
        let body = JSONValue.object([("content", .string(text))]).text
        return try await c.call(.post, "/api/sessions/\(id)/message", token: token, json: body)
    }

    @Test func aSessionBuildsABotAndIsTheOwnersAlone() async throws {
        try await ServerHarness.withUsers { c, _, ann, bob in
            let made = try await c.call(.post, "/api/sessions", token: ann, json: #"{"kind": "bot-builder"}"#)
            #expect(made.status == .created && made.json["status"]?.stringValue == "active" && made.json["stage"]?.stringValue == "goals")
            let id = try #require(made.json["id"]?.stringValue)
            let steps = [
                #"{"name": "Harbour guide", "purpose": "Answers visitors about the harbour.", "goals": ["opening hours", "moorings"]}"#,
                #"{"audience": "visitors", "tone": "friendly"}"#, #"{"use_files": false, "collections": []}"#, #"{"tools": []}"#,
            ]
            for (i, fields) in steps.enumerated() {
                let r = try await say(c, ann, id, "[[call record_fields \(fields)]]")
                #expect(r.status == .ok && r.json["session"]?["stage"]?.stringValue == BotBuilderStage.allCases[i + 1].rawValue, "\(r.text)")
            }
            // Another user: not found, for every route; nothing changes.
            for (method, path) in [(HTTPRequest.Method.get, "/api/sessions/\(id)"), (.post, "/api/sessions/\(id)/resume"), (.delete, "/api/sessions/\(id)")] {
                #expect(try await c.call(method, path, token: bob).status == .notFound, "\(path)")
            }
            #expect(try await say(c, bob, id, "hijack").status == .notFound)
            #expect(try await c.call(.get, "/api/sessions", token: bob).json["data"]?.arrayValue?.isEmpty == true)
            let done = try await say(c, ann, id, #"[[call record_fields {"confirm": true}]]"#)
            #expect(done.json["session"]?["status"]?.stringValue == "completed")
            let agentID = try #require(done.json["session"]?["result"]?["agent_id"]?.stringValue)
            let agent = try await c.call(.get, "/api/agents/\(agentID)", token: ann)
            #expect(agent.json["name"]?.stringValue == "Harbour guide" && agent.json["system_prompt"]?.stringValue?.contains("- moorings") == true)
            let again = try await say(c, ann, id, "one more")
            #expect(again.status == .conflict && again.json["error"]?["code"]?.stringValue == "status")
            let got = try await c.call(.get, "/api/sessions/\(id)", token: ann)
            #expect(got.json["history"]?.arrayValue?.count == 11 && got.json["fields"]?["audience_and_tone"]?["tone"]?.stringValue == "friendly")
            #expect(try await c.call(.get, "/api/sessions", token: ann).json["data"]?.arrayValue?.count == 1)
            #expect(try await c.call(.delete, "/api/sessions/\(id)", token: ann).status == .noContent)
            #expect(try await c.call(.get, "/api/sessions/\(id)", token: ann).status == .notFound)
        }
    }

    @Test func badInputIsA4xxAndChangesNothing() async throws {
        try await ServerHarness.withUsers { c, _, ann, _ in
            let id = try #require(try await c.call(.post, "/api/sessions", token: ann, json: #"{"kind": "bot-builder"}"#).json["id"]?.stringValue)
            let before = try await c.call(.get, "/api/sessions/\(id)", token: ann).text
            let creates: [(String, String)] = [
                (#"{"kind": "interview"}"#, "$.kind"), (#"{}"#, "$.kind"), (#"{"kind": "bot-builder", "ttl_seconds": 0}"#, "$.ttl_seconds"),
                (#"{"kind": "bot-builder", "ttl_seconds": "soon"}"#, "$.ttl_seconds"), (#"{"kind": "bot-builder", "tll": 5}"#, "$.tll"),
            ]
            for (body, path) in creates {
                let r = try await c.call(.post, "/api/sessions", token: ann, json: body)
                #expect(r.status == .badRequest && r.json["error"]?["code"]?.stringValue == path, "\(body): \(r.text)")
            }
            let messages: [(String, HTTPResponse.Status)] = [
                (#"{"content": ""}"#, .badRequest), (#"{"content": 5}"#, .badRequest), (#"{"text": "hi"}"#, .badRequest), ("{oops", .badRequest),
                (JSONValue.object([("content", .string(String(repeating: "w", count: 20_000)))]).text, .unprocessableContent),
            ]
            for (body, status) in messages {
                #expect(try await c.call(.post, "/api/sessions/\(id)/message", token: ann, json: body).status == status, "\(body.prefix(30))")
            }
            #expect(try await c.call(.post, "/api/sessions/forged-id/message", token: ann, json: #"{"content": "hi"}"#).status == .notFound)
            #expect(try await c.call(.get, "/api/sessions/\(id)", token: ann).text == before, "nothing changed")
            #expect(try await c.call(.get, "/api/sessions").status == .unauthorized)
        }
    }

    @Test func theSweeperAbandonsAnIdleSessionAndResumeBringsItBack() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        let sweeper = Task { try await SessionSweeper(sessions: h.system.sessions, interval: .milliseconds(200), logger: Logger(label: "test")).run() }
        defer { sweeper.cancel() }
        try await h.run { c in
            let admin = try await c.login("admin", ServerHarness.adminPassword)
            let ann = try await c.user("ann", admin: admin)
            let id = try #require(try await c.call(.post, "/api/sessions", token: ann, json: #"{"kind": "bot-builder", "ttl_seconds": 1}"#).json["id"]?.stringValue)
            var stored: GuidedSession.Status?
            for _ in 0..<50 where stored != .abandoned {
                try await Task.sleep(for: .milliseconds(100))
                stored = try h.system.database.unscopedGet(id, in: ChatCollections.guidedSessions).flatMap { $0["status"] }.map { v -> GuidedSession.Status? in
                    if case let .string(s) = v { return GuidedSession.Status(rawValue: s) }
                    return nil
                } ?? nil
            }
            #expect(stored == .abandoned, "the sweeper wrote the expiry")
            #expect(try await say(c, ann, id, "hello").status == .conflict)
            #expect(try await c.call(.post, "/api/sessions/\(id)/resume", token: ann, json: #"{"ttl_seconds": 0}"#).status == .badRequest)
            // Resumed with a longer idle time, so the message below cannot find it expired again.
            let resumed = try await c.call(.post, "/api/sessions/\(id)/resume", token: ann, json: #"{"ttl_seconds": 3600}"#)
            #expect(resumed.status == .ok && resumed.json["status"]?.stringValue == "active" && resumed.json["ttl_seconds"]?.intValue == 3600)
            #expect(try await say(c, ann, id, "hello").json["reply"]?.stringValue == "Echo: hello")
        }
    }
}
