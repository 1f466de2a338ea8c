import Testing
@testable import TroveChat
import TroveJSON
import TroveStandIn
import TroveStorage

@Suite struct ChatServiceTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    /// Words the stand-in counts as prompt tokens: every message's text.
    private func promptWords(_ body: JSONValue) -> Int {
        (body["messages"]?.arrayValue ?? []).reduce(0) { $0 + StandInServer.words($1["content"]?.stringValue ?? "") }
    }

    @Test func sendStoresBothMessagesWithTheProvidersUsage() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agent = try await h.system.agents.create(owner: "alice", json(#"{"name": "A", "system_prompt": "You are terse."}"#))
        let c = try await h.system.conversations.create(owner: "alice", agentID: agent.id)
        let ex = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "What is the tide schedule today?")
        #expect(ex.assistant.content == "Echo: What is the tide schedule today?")
        let body = try #require(h.chatBodies.last)
        #expect(body["messages"]?.arrayValue?.first?["content"]?.stringValue == "You are terse.")
        #expect(ex.assistant.usage == TokenUsage(promptTokens: promptWords(body), completionTokens: StandInServer.words(ex.assistant.content)))
        #expect(!ex.assistant.usage.estimated && ex.user.usage.estimated)
        #expect(ex.assistant.model == "standin" && ex.assistant.latencyMilliseconds != nil)
        #expect(ex.conversation.title == "What is the tide schedule today?")
        let stored = try await h.system.messages.list(owner: "alice", conversationID: c.id).messages
        #expect(stored.map(\.id) == [ex.user.id, ex.assistant.id])
        #expect(stored[1].usage == ex.assistant.usage)
        let totals = try await h.system.usage.conversation(owner: "alice", id: c.id)
        #expect(totals.totalTokens == ex.assistant.usage.totalTokens && totals.replies == 1)
    }

    @Test func usageWithoutProviderFiguresIsCountedAndMarkedEstimated() async throws {
        let h = try await ChatHarness.start(model: "nousage")
        defer { Task { await h.stop() } }
        let c = try await h.system.conversations.create(owner: "alice")
        let ex = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "count my tokens please")
        #expect(ex.assistant.usage.estimated)
        #expect(ex.assistant.usage.completionTokens == EstimatingTokenCounter().count(ex.assistant.content))
        #expect(ex.assistant.usage.promptTokens > 0)
    }

    @Test func streamedSendYieldsDeltasThenTheStoredExchange() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let c = try await h.system.conversations.create(owner: "alice")
        var deltas: [String] = []
        var done: Exchange?
        for try await event in h.system.chat.stream(owner: "alice", conversationID: c.id, text: "stream these several words") {
            switch event {
            case let .delta(d): #expect(done == nil); deltas.append(d)
            case let .done(e): done = e
            case .toolStep: Issue.record("no tools were enabled")
            }
        }
        let ex = try #require(done)
        #expect(deltas.count >= 2)
        #expect(deltas.joined() == ex.assistant.content)
        #expect(ex.assistant.content == "Echo: stream these several words")
        #expect(!ex.assistant.usage.estimated && ex.assistant.usage.completionTokens == 5)
        #expect(try await h.system.messages.get(owner: "alice", id: ex.assistant.id) == ex.assistant)
    }

    @Test func aFailedProviderCallStoresTheUserMessageWithTheErrorAndNoReply() async throws {
        let h = try await ChatHarness.start(model: "broken")
        defer { Task { await h.stop() } }
        let c = try await h.system.conversations.create(owner: "alice")
        do {
            _ = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "hello?")
            Issue.record("the broken model answered")
        } catch let ChatError.provider(error, messageID) {
            guard case .status(_, 500, _) = error else { Issue.record("\(error)"); return }
            let stored = try await h.system.messages.list(owner: "alice", conversationID: c.id).messages
            #expect(stored.count == 1 && stored[0].id == messageID && stored[0].role == .user && stored[0].error != nil)
        }
        #expect(try await h.system.usage.conversation(owner: "alice", id: c.id).totalTokens == 0)
    }

    @Test func noProviderListeningSaysWhatToConfigure() async throws {
        let h = try await ChatHarness.start(provider: .ollama) { $0.llmURL = "http://127.0.0.1:9" }
        defer { Task { await h.stop() } }
        let c = try await h.system.conversations.create(owner: "alice")
        do {
            _ = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "anyone there?")
            Issue.record("answered")
        } catch let ChatError.provider(error, _) {
            #expect(error.description.contains("TROVE_LLM_PROVIDER") && error.description.contains("TROVE_LLM_URL"))
        }
        // Retrieval keeps working without a model.
        #expect(try await h.system.retrieve(owner: "alice", query: "anything").isEmpty)
    }

    @Test func toolLoopRunsTheCalculatorAndRecordsTheStep() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agent = try await h.system.agents.create(owner: "alice", json(#"{"name": "Calc", "tools": ["calculator", "current_time"]}"#))
        let c = try await h.system.conversations.create(owner: "alice", agentID: agent.id)
        let ex = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: #"work it out [[call calculator {"expression": "(2+3)*4^2"}]]"#)
        #expect(ex.assistant.content == "Tool said: 80")
        #expect(ex.assistant.steps.count == 1)
        #expect(ex.assistant.steps.first?.toolCalls.first?.name == "calculator" && ex.assistant.steps.first?.results == ["80"])
        let bodies = h.chatBodies
        #expect(bodies.count == 2)
        #expect(bodies[0]["tools"]?.arrayValue?.count == 2)
        let last = bodies[1]["messages"]?.arrayValue?.last
        #expect(last?["role"]?.stringValue == "tool" && last?["content"]?.stringValue == "80")
        // Usage sums both model calls.
        #expect(ex.assistant.usage.promptTokens == promptWords(bodies[0]) + promptWords(bodies[1]))
    }

    @Test func slidingWindowStaysInBudgetAndKeepsTheNewestTurns() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let agent = try await h.system.agents.create(owner: "alice", json(#"{"name": "Small", "context_budget": 300, "max_output_tokens": 100, "system_prompt": "Short answers."}"#))
        let c = try await h.system.conversations.create(owner: "alice", agentID: agent.id)
        let counter = EstimatingTokenCounter()
        for i in 0..<30 {
            let text = "turn \(i): " + Array(repeating: "word\(i)", count: 12).joined(separator: " ")
            _ = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: text)
            let sent = try #require(h.chatBodies.last?["messages"]?.arrayValue)
            let tokens = sent.reduce(0) { $0 + counter.count($1["content"]?.stringValue ?? "") + ContextBuilder.perMessageOverhead }
            #expect(tokens <= 200, "turn \(i): \(tokens) tokens")
            #expect(sent.first?["content"]?.stringValue == "Short answers.")
            #expect(sent.last?["content"]?.stringValue == text)
            // History is a contiguous run of the newest turns, each whole, starting with a user turn.
            let history = sent.dropFirst().dropLast().map { $0["content"]?.stringValue ?? "" }
            if i >= 1 { #expect(history.last == "Echo: turn \(i - 1): " + Array(repeating: "word\(i - 1)", count: 12).joined(separator: " ")) }
            if i >= 10 { #expect(history.count < 2 * i, "old turns must be dropped") }
            if let first = sent.dropFirst().first, first["role"]?.stringValue != "user" { #expect(history.isEmpty, "window opens with a reply") }
        }
    }

    @Test func anotherOwnersConversationIsNotFound() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let c = try await h.system.conversations.create(owner: "alice")
        let ex = try await h.system.chat.send(owner: "alice", conversationID: c.id, text: "secret plans for the garden")
        await #expect(throws: ChatError.notFound(kind: "conversation", id: c.id)) { try await h.system.chat.send(owner: "bob", conversationID: c.id, text: "hi") }
        await #expect(throws: ChatError.notFound(kind: "conversation", id: c.id)) { try await h.system.conversations.get(owner: "bob", id: c.id) }
        await #expect(throws: ChatError.notFound(kind: "conversation", id: c.id)) { try await h.system.conversations.delete(owner: "bob", id: c.id) }
        await #expect(throws: ChatError.notFound(kind: "message", id: ex.user.id)) { try await h.system.messages.get(owner: "bob", id: ex.user.id) }
        #expect(try await h.system.messages.list(owner: "bob", conversationID: c.id).messages.isEmpty)
        #expect(try await h.system.messages.search(owner: "bob", MessageQuery(text: "garden")).hits.isEmpty)
        #expect(try await h.system.messages.search(owner: "alice", MessageQuery(text: "garden")).hits.count == 2)
        #expect(try await h.system.conversations.list(owner: "bob").conversations.isEmpty)
    }
}
