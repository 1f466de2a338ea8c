import Foundation
import Testing
@testable import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage

@Suite struct ConversationServiceTests {
    @Test func listedByLastActivityRenamedAndFilteredByAgent() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        let agent = try await s.agents.create(owner: "alice", JSONParser.parse(#"{"name": "A"}"#))
        let first = try await s.conversations.create(owner: "alice", agentID: agent.id)
        let second = try await s.conversations.create(owner: "alice", title: "Given title")
        #expect(try await s.conversations.list(owner: "alice").conversations.map(\.id) == [second.id, first.id])
        _ = try await s.chat.send(owner: "alice", conversationID: first.id, text: "bring this one to the top")
        #expect(try await s.conversations.list(owner: "alice").conversations.map(\.id) == [first.id, second.id])
        #expect(try await s.conversations.list(owner: "alice", agentID: agent.id).conversations.map(\.id) == [first.id])
        _ = try await s.chat.send(owner: "alice", conversationID: second.id, text: "this must not retitle it")
        #expect(try await s.conversations.get(owner: "alice", id: second.id).title == "Given title")
        #expect(try await s.conversations.get(owner: "alice", id: first.id).title == "bring this one to the top")
        let renamed = try await s.conversations.rename(owner: "alice", id: first.id, title: "Renamed")
        #expect(renamed.title == "Renamed")
        #expect(try await s.conversations.get(owner: "alice", id: first.id).title == "Renamed")
        await #expect(throws: ChatError.notFound(kind: "conversation", id: first.id)) { try await s.conversations.rename(owner: "bob", id: first.id, title: "x") }
    }

    @Test func deleteTakesMessagesAndUsageWithIt() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        let doomed = try await s.conversations.create(owner: "alice")
        let kept = try await s.conversations.create(owner: "alice")
        for i in 0..<5 { _ = try await s.chat.send(owner: "alice", conversationID: doomed.id, text: "pelican number \(i)") }
        _ = try await s.chat.send(owner: "alice", conversationID: kept.id, text: "pelican survivor")
        #expect(try await s.messages.search(owner: "alice", MessageQuery(text: "pelican")).hits.count == 12)
        try await s.conversations.delete(owner: "alice", id: doomed.id)
        await #expect(throws: ChatError.notFound(kind: "conversation", id: doomed.id)) { try await s.conversations.get(owner: "alice", id: doomed.id) }
        let left = try await s.messages.search(owner: "alice", MessageQuery(text: "pelican")).hits
        #expect(left.count == 2 && left.allSatisfy { $0.message.conversationID == kept.id })
        #expect(try await s.database.count(EngineQuery(filters: [.equals(field: "conversation_id", value: doomed.id)]), in: ChatCollections.messages, tenant: "alice") == 0)
        #expect(try await s.usage.conversation(owner: "alice", id: doomed.id).totalTokens == 0)
        #expect(try await s.usage.conversation(owner: "alice", id: kept.id).replies == 1)
    }

    @Test func messageSearchByTextAndTimeWithSnippets() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        let c1 = try await s.conversations.create(owner: "alice")
        let c2 = try await s.conversations.create(owner: "alice")
        let early = try await s.chat.send(owner: "alice", conversationID: c1.id, text: "the lighthouse keeper logs the storm")
        let middle = RecordClock.now()
        let late = try await s.chat.send(owner: "alice", conversationID: c2.id, text: "a lighthouse lamp needs new oil")
        let newest = try await s.messages.search(owner: "alice", MessageQuery(text: "lighthouse")).hits
        #expect(newest.map(\.message.id) == [late.assistant.id, late.user.id, early.assistant.id, early.user.id])
        #expect(newest.allSatisfy { $0.snippet?.contains("<em>") == true || $0.snippet?.lowercased().contains("lighthouse") == true })
        let after = try await s.messages.search(owner: "alice", MessageQuery(text: "lighthouse", from: middle)).hits
        #expect(Set(after.map(\.message.id)) == [late.user.id, late.assistant.id])
        let before = try await s.messages.search(owner: "alice", MessageQuery(text: "lighthouse", to: middle)).hits
        #expect(Set(before.map(\.message.id)) == [early.user.id, early.assistant.id])
        let inOne = try await s.messages.search(owner: "alice", MessageQuery(text: "lighthouse", conversationID: c1.id)).hits
        #expect(Set(inOne.map(\.message.conversationID)) == [c1.id])
        var relevance = MessageQuery(text: "storm keeper")
        relevance.order = .relevance
        let ranked = try await s.messages.search(owner: "alice", relevance).hits
        #expect(ranked.first.map { $0.message.content.contains("storm") } == true)
        // Time only, no text: newest first.
        let timeOnly = try await s.messages.search(owner: "alice", MessageQuery(from: middle)).hits
        #expect(timeOnly.map(\.message.id) == [late.assistant.id, late.user.id])
    }

    @Test func usagePerDayAndPerAgent() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let s = h.system
        let a = try await s.agents.create(owner: "alice", JSONParser.parse(#"{"name": "A"}"#))
        let c = try await s.conversations.create(owner: "alice", agentID: a.id)
        let plain = try await s.conversations.create(owner: "alice")
        let e1 = try await s.chat.send(owner: "alice", conversationID: c.id, text: "one two three")
        let e2 = try await s.chat.send(owner: "alice", conversationID: plain.id, text: "four five")
        let days = try await s.usage.daily(owner: "alice")
        let today = String(Timestamp.rfc3339(microseconds: RecordClock.now()).prefix(10))
        #expect(days.count == 1 && days[0].day == today)
        #expect(days[0].totalTokens == e1.assistant.usage.totalTokens + e2.assistant.usage.totalTokens && days[0].replies == 2)
        let agentOnly = try await s.usage.daily(owner: "alice", agentID: a.id)
        #expect(agentOnly.first?.totalTokens == e1.assistant.usage.totalTokens)
        let byAgent = try await s.usage.daily(owner: "alice", byAgent: true)
        #expect(byAgent.map(\.agentID) == [a.id])
        #expect(try await s.usage.daily(owner: "bob").isEmpty)
    }
}
