import Foundation
import Testing
import TroveChat
import TroveRemote
import TroveStandIn

/// What every provider client must do the same way, each against the stand-in in its own
/// wire format: retry a 429, type every failure (404 with the provider's message, 500,
/// malformed JSON plain and streamed, a deadline plain and streamed, a stopped server),
/// and list models.
@Suite struct ProviderFailureTests {
    /// The endpoint chat requests go to, and the provider's own words for an unknown model.
    private static func expected(_ kind: ChatProviderKind, base: String) -> (url: String, notFound: String) {
        switch kind {
        case .openai: return (base + "/v1/chat/completions", "The model `missing-x` does not exist")
        case .ollama: return (base + "/api/chat", "model \"missing-x\" not found, try pulling it first")
        case .anthropic: return (base + "/v1/messages", "model: missing-x")
        }
    }

    private func ask(_ name: String) -> ChatRequest { ChatRequest(model: name, messages: [.user("hi there")]) }

    @Test(arguments: ChatProviderKind.allCases)
    func aRateLimitIsRetried(_ kind: ChatProviderKind) async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let model = ChatModels.make(provider: kind, baseURL: server.baseURL, apiKey: nil, call: HTTPCall(retries: 2, backoff: .milliseconds(10)))
        let reply = try await model.complete(ChatRequest(model: "flaky", messages: [.user("again")]))
        #expect(reply.content == "Echo: again")
        #expect(server.chatRequests.count == 2)
    }

    @Test(arguments: ChatProviderKind.allCases)
    func failuresAreTyped(_ kind: ChatProviderKind) async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        let (url, notFound) = Self.expected(kind, base: server.baseURL)
        let p = kind.rawValue
        let model = ChatModels.make(provider: kind, baseURL: server.baseURL, apiKey: nil, call: HTTPCall(retries: 0))
        await #expect(throws: ChatModelError.modelNotFound(provider: p, model: "missing-x", message: notFound)) {
            _ = try await model.complete(ask("missing-x"))
        }
        await #expect(throws: ChatModelError.status(provider: p, code: 500, message: "model crashed")) {
            _ = try await model.complete(ask("broken"))
        }
        #expect(caseName(await failure { _ = try await model.complete(ask("malformed")) }) == "malformed")
        #expect(caseName(await failure { _ = try await drain(model.stream(ask("malformed"))) }) == "malformed")
        let slow = ChatModels.make(provider: kind, baseURL: server.baseURL, apiKey: nil, call: HTTPCall(timeout: .seconds(1), retries: 0))
        await #expect(throws: ChatModelError.timedOut(provider: p, url: url, seconds: 1)) { _ = try await slow.complete(ask("slow")) }
        await #expect(throws: ChatModelError.timedOut(provider: p, url: url, seconds: 1)) { _ = try await drain(slow.stream(ask("slow"))) }
    }

    @Test(arguments: ChatProviderKind.allCases)
    func aStoppedServerIsUnreachable(_ kind: ChatProviderKind) async throws {
        let server = try await StandInServer.start()
        let base = server.baseURL
        await server.stop()
        let model = ChatModels.make(provider: kind, baseURL: base, apiKey: nil, call: HTTPCall(timeout: .seconds(2), retries: 0))
        let error = await failure { _ = try await model.complete(ChatRequest(model: "echo-small", messages: [.user("hi")])) }
        guard case let .unreachable(provider, url, _)? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(provider == kind.rawValue)
        #expect(url == Self.expected(kind, base: base).url)
    }

    @Test(arguments: ChatProviderKind.allCases)
    func modelsAreListed(_ kind: ChatProviderKind) async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        #expect(try await ChatModels.make(provider: kind, baseURL: server.baseURL, apiKey: nil, call: HTTPCall()).models() == StandInServer.chatModels)
    }
}
