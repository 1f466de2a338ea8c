import Synchronization
import Testing
@testable import TroveChat
import TroveJSON
import TroveStorage

/// A clock that moves only when told to, so expiry is tested without waiting.
private final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let elapsed = Mutex<Duration>(.zero)

    func now() -> ContinuousClock.Instant { start + elapsed.withLock { $0 } }

    func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
}

@Suite struct ResponseCacheTests {
    private let request = ChatRequest(
        model: "m1", messages: [.system("be brief"), .user("what is 2 + 2?")], temperature: 0, topP: 1, maxTokens: 50)
    private let answer = ChatCompletion(model: "m1", content: "4", usage: TokenUsage(promptTokens: 10, completionTokens: 1))

    @Test func theSameRequestIsAnsweredFromTheCache() {
        let cache = ResponseCache(ttl: .seconds(60))
        #expect(cache.get(request) == nil)
        cache.put(request, answer)
        #expect(cache.get(request) == answer)
        // An equal request built separately finds it too.
        let again = ChatRequest(model: "m1", messages: [.system("be brief"), .user("what is 2 + 2?")], temperature: 0,
                                topP: 1, maxTokens: 50)
        #expect(cache.get(again) == answer)
        #expect(cache.stats.hits == 2)
        #expect(cache.stats.misses == 1)
    }

    @Test func everyFieldThatShapesTheAnswerIsPartOfTheKey() {
        let cache = ResponseCache(ttl: .seconds(60))
        cache.put(request, answer)
        var variants: [ChatRequest] = []
        func variant(_ change: (inout ChatRequest) -> Void) {
            var r = request
            change(&r)
            variants.append(r)
        }
        variant { $0.model = "m2" }
        variant { $0.temperature = 0.7 }
        variant { $0.temperature = nil }
        variant { $0.topP = 0.9 }
        variant { $0.maxTokens = 51 }
        variant { $0.maxTokens = nil }
        variant { $0.messages[1].content = "what is 2 + 3?" }
        variant { $0.messages[0].role = .user }
        variant { $0.messages.append(.assistant("4")) }
        variant { $0.messages[1].name = "ann" }
        variant { $0.messages[1] = .tool("what is 2 + 2?", callID: "c1", name: "calc") }
        variant { $0.messages.append(.assistant("", toolCalls: [ToolCall(id: "c1", name: "calc", arguments: "{}")])) }
        variant { $0.tools = [ToolSpec(name: "calc", description: "arithmetic", parameters: .object([JSONMember]()))] }
        variant { $0.tools = [ToolSpec(name: "calc", description: "arithmetic", parameters: .object([JSONMember("x", .int(1))]))] }
        for (i, other) in variants.enumerated() {
            #expect(other != request, "variant \(i)")
            #expect(cache.get(other) == nil, "variant \(i)")
        }
        #expect(cache.get(request) == answer)
    }

    @Test func fieldsCannotCollideByConcatenation() {
        func key(_ texts: [String]) -> TextKey {
            ResponseCache.key(for: ChatRequest(model: "m", messages: texts.map { ChatTurn.user($0) }))
        }
        #expect(key(["ab", "c"]) != key(["a", "bc"]))
        #expect(key(["abc"]) != key(["ab", "c"]))
        #expect(key([""]) != key([]))
        #expect(key(["", ""]) != key([""]))
        let split = ChatRequest(model: "mu", messages: [.user("x")])
        let joined = ChatRequest(model: "m", messages: [.user("ux")])
        #expect(ResponseCache.key(for: split) != ResponseCache.key(for: joined))
        let schemaA = ToolSpec(name: "t", description: "", parameters: .array([.string("a"), .string("b")]))
        let schemaB = ToolSpec(name: "t", description: "", parameters: .array([.string("ab")]))
        #expect(ResponseCache.key(for: ChatRequest(model: "m", messages: [], tools: [schemaA]))
            != ResponseCache.key(for: ChatRequest(model: "m", messages: [], tools: [schemaB])))
        #expect(ResponseCache.key(for: request) == ResponseCache.key(for: request))
    }

    @Test func anExpiredAnswerIsAMissAndIsRemoved() {
        let clock = ManualClock()
        let cache = ResponseCache(ttl: .seconds(60), now: { clock.now() })
        cache.put(request, answer)
        clock.advance(by: .seconds(59))
        #expect(cache.get(request) == answer)
        clock.advance(by: .seconds(1))
        #expect(cache.get(request) == nil)
        #expect(cache.count == 0)
        #expect(cache.stats.misses == 1)
        // Storing again starts a new lifetime.
        cache.put(request, answer)
        clock.advance(by: .seconds(30))
        #expect(cache.get(request) == answer)
    }

    @Test func theLeastRecentlyUsedAnswerIsDroppedAtCapacity() {
        let cache = ResponseCache(ttl: .seconds(60), capacity: 2)
        let requests = (1...3).map { ChatRequest(model: "m", messages: [.user("question \($0)")]) }
        let answers = (1...3).map { ChatCompletion(model: "m", content: "answer \($0)") }
        cache.put(requests[0], answers[0])
        cache.put(requests[1], answers[1])
        #expect(cache.get(requests[0]) == answers[0])
        cache.put(requests[2], answers[2])
        #expect(cache.count == 2)
        #expect(cache.get(requests[1]) == nil)
        #expect(cache.get(requests[0]) == answers[0])
        #expect(cache.get(requests[2]) == answers[2])
        cache.removeAll()
        #expect(cache.count == 0)
    }
}
