import Foundation
import Testing
@testable import TroveChat
import TroveJSON
import TroveStorage

@Suite struct ToolBoxTests {
    @Test func everyBuiltInToolRunsForItsOwnerOnly() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        _ = try await s.files.upload(owner: "alice", name: "t.txt", bytes: ChatHarness.fixture("sample.txt"))
        _ = try await s.files.upload(owner: "bob", name: "b.txt", bytes: Array("Bob's heron diary: the heron nests in my chimney.".utf8))
        let c = try await s.conversations.create(owner: "alice")
        _ = try await s.chat.send(owner: "alice", conversationID: c.id, text: "remember the otter sighting")
        let box = ToolBox(retriever: s.retriever, messages: s.messages, retrieval: RetrievalSettings())
        func run(_ name: String, _ args: String, owner: String = "alice") async -> String {
            await box.run(ToolCall(id: "c", name: name, arguments: args), owner: owner, now: Date(timeIntervalSince1970: 1_700_000_000))
        }
        #expect(await run("calculator", #"{"expression": "sqrt(16) + 2^3"}"#) == "12")
        #expect(await run("calculator", #"{"expression": "1/0"}"#).hasPrefix("error:"))
        let utc = await run("current_time", "{}")
        #expect(utc == "2023-11-14T22:13:20Z (Tuesday, UTC)", "\(utc)")
        #expect(await run("current_time", #"{"timezone": "Asia/Tokyo"}"#).hasPrefix("2023-11-15T07:13:20+09:00"))
        #expect(await run("current_time", #"{"timezone": "Mars/Olympus"}"#).hasPrefix("error:"))
        let docs = await run("search_documents", #"{"query": "heron estuary"}"#)
        #expect(docs.contains("[1]") && docs.contains("estuary") && !docs.contains("chimney"))
        #expect(await run("search_documents", #"{"query": "heron"}"#, owner: "carol") == "no matching passages")
        let otter = await run("search_messages", #"{"query": "otter"}"#)
        #expect(otter.contains("otter") && otter.contains("sighting"), "\(otter)")
        #expect(await run("search_messages", #"{"query": "otter", "to": "2000-01-01T00:00:00Z"}"#) == "no matching messages")
        #expect(await run("search_messages", #"{"query": "otter"}"#, owner: "bob") == "no matching messages")
        #expect(await run("calculator", "not json").hasPrefix("error: the arguments are not valid JSON"))
        #expect(await run("calculator", #"{"expr": "1"}"#).hasPrefix("error: 'expression'"))
        #expect(await run("rm", "{}") == "error: no tool named 'rm'")
    }

    @Test func streamedToolLoopReportsTheStepThenStreamsTheAnswer() async throws {
        let h = try await ChatHarness.start(provider: .anthropic)
        defer { Task { await h.stop() } }
        let s = h.system
        let agent = try await s.agents.create(owner: "alice", JSONParser.parse(#"{"name": "T", "tools": ["calculator"], "max_tool_steps": 3}"#))
        let c = try await s.conversations.create(owner: "alice", agentID: agent.id)
        var events: [SendEvent] = []
        for try await e in s.chat.stream(owner: "alice", conversationID: c.id, text: #"please [[call calculator {"expression": "6*7"}]]"#) { events.append(e) }
        guard case let .toolStep(step)? = events.first, case let .done(ex)? = events.last else { Issue.record("\(events)"); return }
        #expect(step.results == ["42"])
        let text = events.compactMap { if case let .delta(d) = $0 { return d }; return nil }.joined()
        #expect(text == "Tool said: 42" && ex.assistant.content == text)
        #expect(ex.assistant.steps == [step] && !ex.assistant.usage.estimated)
    }

    @Test func theLastStepOffersNoToolsSoTheModelMustAnswer() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        let agent = try await s.agents.create(owner: "alice", JSONParser.parse(#"{"name": "T", "tools": ["calculator"], "max_tool_steps": 1}"#))
        let c = try await s.conversations.create(owner: "alice", agentID: agent.id)
        let ex = try await s.chat.send(owner: "alice", conversationID: c.id, text: #"[[call calculator {"expression": "1+1"}]]"#)
        #expect(ex.assistant.steps.isEmpty && ex.assistant.content.hasPrefix("Echo:"))
        #expect(h.chatBodies.count == 1 && h.chatBodies[0]["tools"] == nil)
    }
}
