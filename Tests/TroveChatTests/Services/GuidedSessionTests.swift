import Foundation
import Testing
@testable import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage

/// The bot builder: scripted stand-in replies (a `[[call record_fields {...}]]` in the
/// user's message makes the stand-in call the offered tool with those fields, over the real
/// OpenAI wire format) take a session through every stage.
@Suite struct GuidedSessionTests {
    private func call(_ fields: String) -> String { "here you go [[call record_fields \(fields)]]" }

    @Test func aBotBuilderRunsThroughEveryStageSurvivesARestartAndMakesAWorkingBot() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        var sessions = h.system.sessions
        let s = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: nil)
        #expect(s.status == .active && s.stage == .goals && s.ttlSeconds == 3_600 && s.history.first?.content == BotBuilderStage.goals.question)
        // A message without the fields: the model's words, and the stage stays.
        var (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: "I want a bot")
        #expect(after.stage == .goals && reply == "Echo: I want a bot")
        // Fields that fail their check are asked for again, naming the path.
        (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"name": "Tidebot", "purpose": "Tide tables.", "goals": []}"#))
        #expect(after.stage == .goals && reply.contains("$.goals") && reply.hasSuffix(BotBuilderStage.goals.question), "\(reply)")
        #expect(h.chatBodies.last?["tools"]?.arrayValue?.first?["function"]?["name"]?.stringValue == "record_fields")
        (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"name": "Tidebot", "purpose": "Answers questions about tides.", "goals": ["give tide times", "explain spring tides"]}"#))
        #expect(after.stage == .audienceAndTone && reply == BotBuilderStage.audienceAndTone.question)
        (after, _) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"audience": "sailors", "tone": "brisk", "language": "English"}"#))
        #expect(after.stage == .knowledge)
        // A restart mid-way: the session is in the engine.
        try h.system.close()
        let reopened = try await ChatSystem.open(dataFolder: h.folder.sub("data"), settings: h.system.settings, embedder: h.system.embedder,
                                                 counter: EstimatingTokenCounter())
        defer { try? reopened.close() }
        sessions = reopened.sessions
        #expect(try await sessions.get(owner: "alice", id: s.id).stage == .knowledge)
        (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"use_files": true, "collections": ["no good name!"]}"#))
        #expect(after.stage == .knowledge && reply.contains("$.collections[0]"))
        (after, _) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"use_files": true, "collections": ["charts"]}"#))
        (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"tools": ["calculator", "current_time"]}"#))
        #expect(after.stage == .review && reply.contains("Tidebot") && reply.contains("sailors"))
        // Changing one stage at review: back to goals, and once they are given, straight
        // back to review (the later stages keep what they had).
        (after, _) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"confirm": false, "stage": "goals"}"#))
        #expect(after.stage == .goals)
        (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"name": "Tidebot", "purpose": "Answers questions about tides.", "goals": ["give tide times", "explain spring tides"]}"#))
        #expect(after.stage == .review && reply.contains("calculator"))
        (after, _) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"confirm": false, "stage": "tools"}"#))
        (after, _) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"tools": ["calculator"]}"#))
        #expect(after.stage == .review)
        (after, reply) = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"confirm": true}"#))
        #expect(after.status == .completed, "\(reply)")
        let result = try #require(after.result)
        let agentID = try #require(result["agent_id"]?.stringValue)
        let prompt = try #require(result["system_prompt"]?.stringValue)
        #expect(prompt.contains("You are Tidebot") && prompt.contains("- explain spring tides") && prompt.contains("sailors") && prompt.contains("English"))
        #expect(result["workflow"]?["steps"]?.arrayValue?.count == 4 && result["tools"]?["tools"] == .array([.string("calculator")]))
        #expect(result["tools"]?["retrieval"]?["collections"] == .array([.string("files"), .string("charts")]))
        // The bot works: its prompt reaches the model.
        let agent = try await reopened.agents.get(owner: "alice", id: agentID)
        #expect(agent.name == "Tidebot" && agent.systemPrompt == prompt && agent.tools == ["calculator"] && agent.retrieval.enabled)
        let c = try await reopened.conversations.create(owner: "alice", agentID: agentID)
        #expect(try await reopened.chat.send(owner: "alice", conversationID: c.id, text: "high tide?").assistant.content == "Echo: high tide?")
        #expect(h.chatBodies.last.map { $0.text.contains("You are Tidebot") } == true)
        await #expect(throws: ChatError.self) { _ = try await sessions.message(owner: "alice", id: s.id, text: "more") }
        #expect(try await sessions.get(owner: "alice", id: s.id).history.count == 2 * 12 + 1, "every exchange kept, the refused one not")
    }

    @Test func anIdleSessionIsAbandonedBySweepAndResumes() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let sessions = h.system.sessions
        let s = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: 1)
        let kept = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: 3_600)
        try await Task.sleep(for: .milliseconds(1_200))
        #expect(try await sessions.get(owner: "alice", id: s.id).json["status"] == .string("abandoned"), "read as abandoned before the sweep")
        #expect(try await sessions.sweep() == 1)
        let stored = try GuidedSession(document: try #require(try h.system.database.unscopedGet(s.id, in: GuidedSession.collection)))
        let other = try await sessions.get(owner: "alice", id: kept.id)
        #expect(stored.status == .abandoned && other.status == .active)
        #expect(try await sessions.sweep() == 0)
        await #expect(throws: ChatError.conflict(field: "status", reason: "the session is abandoned: resume it first")) {
            _ = try await sessions.message(owner: "alice", id: s.id, text: "hello")
        }
        let again = try await sessions.resume(owner: "alice", id: s.id)
        #expect(again.status == .active && again.ttlSeconds == 1 && again.expiresAt > again.updatedAt)
        // A longer idle time, so the message below cannot find it expired again under load.
        let resumed = try await sessions.resume(owner: "alice", id: s.id, ttlSeconds: 3_600)
        #expect(resumed.status == .active && resumed.expiresAt > RecordClock.now() + 3_000_000_000)
        #expect(try await sessions.message(owner: "alice", id: s.id, text: "hello again").reply == "Echo: hello again")
    }

    /// While the owner's message waits on the model, another user probing the session is
    /// told "not found", never "busy" (which would say it exists), and takes no claim.
    @Test func anotherUserCannotProbeOrBlockASessionInUse() async throws {
        // A generous timeout: the stand-in shares this process, which CI's parallel suites keep busy.
        let h = try await ChatHarness.start(settings: { $0.llmModel = "slow"; $0.llmTimeoutSeconds = 120 })
        defer { Task { await h.stop() } }
        let sessions = h.system.sessions
        let s = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: nil)
        let answering = Task { try await sessions.message(owner: "alice", id: s.id, text: "hello") }
        // The stand-in has the request (and holds it 3 s): the session is claimed, since the
        // claim comes before the model call.
        for _ in 0..<600 where h.server.chatRequests.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        try #require(!h.server.chatRequests.isEmpty, "the model was never asked")
        await #expect(throws: ChatError.self) { _ = try await sessions.message(owner: "alice", id: s.id, text: "again") }
        await #expect(throws: ChatError.notFound(kind: "session", id: s.id)) { try await sessions.delete(owner: "bob", id: s.id) }
        await #expect(throws: ChatError.notFound(kind: "session", id: s.id)) { _ = try await sessions.resume(owner: "bob", id: s.id) }
        #expect(try await answering.value.reply == "Echo: hello")
        #expect(try await sessions.message(owner: "alice", id: s.id, text: "and again").reply == "Echo: and again", "the claim was released")
    }

    /// A damaged record among the expired ones is left alone; the others are still swept.
    @Test func theSweepSkipsARecordThatDoesNotRead() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let sessions = h.system.sessions
        let good = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: 1)
        let bad = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: 1)
        let d = try #require(try h.system.database.unscopedGet(bad.id, in: GuidedSession.collection))
        try await h.system.database.put(Document(id: d.id, fields: d.fields.filter { $0.name != "stage" } + [Field("stage", .string("nowhere"))]),
                                        in: GuidedSession.collection)
        #expect(try await sessions.sweep(now: good.expiresAt + 1) == 1)
        #expect(try await sessions.get(owner: "alice", id: good.id).status == .abandoned)
    }

    @Test func anotherOwnerBadInputAndAFailedModelChangeNothing() async throws {
        let h = try await ChatHarness.start(settings: { $0.llmModel = "broken" })
        defer { Task { await h.stop() } }
        let sessions = h.system.sessions
        let s = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: nil)
        let before = try await sessions.get(owner: "alice", id: s.id)
        for attempt in [{ _ = try await sessions.get(owner: "bob", id: s.id) }, { _ = try await sessions.message(owner: "bob", id: s.id, text: "hi") },
                        { _ = try await sessions.resume(owner: "bob", id: s.id) }, { try await sessions.delete(owner: "bob", id: s.id) }] as [@Sendable () async throws -> Void] {
            await #expect(throws: ChatError.notFound(kind: "session", id: s.id)) { try await attempt() }
        }
        await #expect(throws: ChatError.self) { _ = try await sessions.create(owner: "alice", kind: "interview", ttlSeconds: nil) }
        await #expect(throws: ChatError.self) { _ = try await sessions.create(owner: "alice", kind: "bot-builder", ttlSeconds: 0) }
        await #expect(throws: ChatError.self) { _ = try await sessions.message(owner: "alice", id: s.id, text: "  ") }
        await #expect(throws: ChatError.self) { _ = try await sessions.message(owner: "alice", id: s.id, text: String(repeating: "x", count: 20_000)) }
        // The model fails: a provider error, and the session is as it was.
        do {
            _ = try await sessions.message(owner: "alice", id: s.id, text: call(#"{"name": "X", "purpose": "Y", "goals": ["z"]}"#))
            Issue.record("a broken model answered")
        } catch ChatError.provider {}
        #expect(try await sessions.get(owner: "alice", id: s.id) == before)
        try await sessions.delete(owner: "alice", id: s.id)
        await #expect(throws: ChatError.self) { _ = try await sessions.get(owner: "alice", id: s.id) }
    }
}
