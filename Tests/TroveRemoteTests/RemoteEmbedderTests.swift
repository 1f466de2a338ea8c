import Foundation
import Testing
import TroveStandIn
import TroveEmbed
@testable import TroveRemote

/// The HTTP embedders against a server on 127.0.0.1 that speaks OpenAI's and Ollama's wire
/// formats (TroveStandIn), over real connections.
@Suite struct RemoteEmbedderTests {
    private func expected(_ text: String, _ dimension: Int) -> [Float] {
        RemoteEmbedder.normalized(StandInServer.vector(for: text, dimension: dimension))
    }

    private func texts(_ n: Int) -> [String] { (0..<n).map { "sentence number \($0) about topic \($0 % 7)" } }

    @Test func openAIFormatInBatchesInInputOrder() async throws {
        let server = try await StandInServer.start(dimension: 12, apiKey: "sk-test")
        defer { Task { await server.stop() } }
        let embedder = try await RemoteEmbedder.connect(url: server.baseURL + "/v1", model: "text-embed", apiKey: "sk-test", batchSize: 64)
        #expect(embedder.api == .openAI)
        #expect(embedder.dimension == 12)
        #expect(embedder.endpoint == server.baseURL + "/v1/embeddings")
        let inputs = texts(100)
        let vectors = try await embedder.embed(inputs)
        // The server sends items in reverse order; the client must place them by index.
        #expect(vectors == inputs.map { expected($0, 12) })
        let seen = server.requests
        #expect(seen.map(\.inputs) == [1, 64, 36])
        #expect(seen.allSatisfy { $0.path == "/v1/embeddings" && $0.model == "text-embed" && $0.authorization == "Bearer sk-test" })
    }

    @Test func ollamaNativeFormat() async throws {
        let server = try await StandInServer.start(dimension: 6)
        defer { Task { await server.stop() } }
        let embedder = try await RemoteEmbedder.connect(url: server.baseURL + "/api/embed", model: "nomic-embed-text")
        #expect(embedder.api == .ollama)
        let vectors = try await embedder.embed(["hello world", "", "hello world"])
        #expect(vectors[0] == expected("hello world", 6))
        #expect(vectors[0] == vectors[2])
        #expect(vectors[1] == expected("", 6))
        #expect(server.requests.allSatisfy { $0.path == "/api/embed" && $0.authorization == nil })
    }

    @Test func aRateLimitIsRetriedAfterRetryAfter() async throws {
        let server = try await StandInServer.start()
        defer { Task { await server.stop() } }
        // The probe is the first request: 429, then success on the retry.
        let embedder = try await RemoteEmbedder.connect(url: server.baseURL, model: "flaky", api: .openAI)
        let vectors = try await embedder.embed(["one", "two"])
        #expect(vectors.count == 2)
        #expect(server.requests.count == 4)
    }

    @Test func failuresAreTypedAndNameTheEndpoint() async throws {
        let server = try await StandInServer.start(apiKey: "right")
        defer { Task { await server.stop() } }
        let url = server.baseURL + "/v1/embeddings"
        // A short backoff keeps retries quick; the deadline stays generous because the whole
        // suite runs in parallel on two cores, where a stand-in can take over a second to answer.
        // The deadline itself is tested with the "slow" model below.
        let fast = HTTPCall(timeout: .seconds(15), retries: 1, backoff: .milliseconds(10))
        await #expect(throws: EmbedderError.endpointStatus(url: url, status: 401, message: "invalid api key")) {
            _ = try await RemoteEmbedder.connect(url: url, model: "m", apiKey: "wrong", call: fast)
        }
        await #expect(throws: EmbedderError.endpointStatus(url: url, status: 500, message: "model crashed")) {
            _ = try await RemoteEmbedder.connect(url: url, model: "broken", apiKey: "right", call: fast)
        }
        await #expect(throws: EmbedderError.endpointResponse(url: url, problem: "returned 0 vectors for 1 inputs")) {
            _ = try await RemoteEmbedder.connect(url: url, model: "short", apiKey: "right", call: fast)
        }
        do {
            _ = try await RemoteEmbedder.connect(url: url, model: "malformed", apiKey: "right", call: fast)
            Issue.record("malformed JSON was accepted")
        } catch EmbedderError.endpointResponse(let where_, let problem) {
            #expect(where_ == url)
            #expect(problem.contains("not the expected JSON"))
        }
        do {
            _ = try await RemoteEmbedder.connect(url: url, model: "slow", apiKey: "right", call: HTTPCall(timeout: .milliseconds(300), retries: 0))
            Issue.record("a 3 s answer beat a 0.3 s deadline")
        } catch EmbedderError.endpointUnreachable(_, let reason) {
            #expect(reason.contains("no answer within"))
        }
        let ollama = server.baseURL + "/api/embed"
        await #expect(throws: EmbedderError.endpointStatus(url: ollama, status: 404, message: "model \"missing-model\" not found, try pulling it first")) {
            _ = try await RemoteEmbedder.connect(url: ollama, model: "missing-model", apiKey: "right", call: fast)
        }
    }

    @Test func nobodyListeningIsUnreachable() async throws {
        let server = try await StandInServer.start()
        let url = server.baseURL
        await server.stop()
        do {
            _ = try await RemoteEmbedder.connect(url: url, model: "m", call: HTTPCall(timeout: .milliseconds(500), retries: 1, backoff: .milliseconds(10)))
            Issue.record("connected to a stopped server")
        } catch EmbedderError.endpointUnreachable(let endpoint, _) {
            #expect(endpoint == url + "/v1/embeddings")
        }
    }

    @Test func endpointResolution() throws {
        #expect(try RemoteEmbedder.resolve(url: "http://h:8000/v1/", api: nil) == ("http://h:8000/v1/embeddings", .openAI))
        #expect(try RemoteEmbedder.resolve(url: "https://api.openai.com", api: nil) == ("https://api.openai.com/v1/embeddings", .openAI))
        #expect(try RemoteEmbedder.resolve(url: "http://127.0.0.1:11434", api: nil) == ("http://127.0.0.1:11434/api/embed", .ollama))
        #expect(try RemoteEmbedder.resolve(url: "http://127.0.0.1:11434/v1", api: nil) == ("http://127.0.0.1:11434/v1/embeddings", .openAI))
        #expect(try RemoteEmbedder.resolve(url: "http://h/api", api: nil) == ("http://h/api/embed", .ollama))
        #expect(throws: EmbedderError.self) { try RemoteEmbedder.resolve(url: "ftp://h", api: nil) }
        #expect(throws: EmbedderError.self) { try RemoteEmbedder.resolve(url: "not a url", api: nil) }
    }

    @Test func settingsThatNameNoEmbedderAreTypedErrors() async throws {
        #expect(EmbedderSettings(embedder: "http://127.0.0.1:9/v1", model: "e5").isRemote)
        #expect(!EmbedderSettings(embedder: "minilm").isRemote)
        await #expect(throws: EmbedderError.unknownEmbedder("word2vec")) {
            _ = try await EmbedderSettings(embedder: "word2vec").make()
        }
        await #expect(throws: EmbedderError.remoteModelMissing(url: "http://127.0.0.1:9/v1")) {
            _ = try await EmbedderSettings(embedder: "http://127.0.0.1:9/v1").make()
        }
    }
}
