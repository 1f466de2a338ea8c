import Synchronization
import Testing
import TroveEmbed
@testable import TroveChat

/// An embedder that records every batch it is sent and answers a vector made from the
/// text, so tests can tell which texts reached it and which vector belongs to which text.
private final class RecordingEmbedder: Embedder {
    let modelName = "recording"
    let dimension = 3
    /// Answers one vector short, to check the cache refuses a malformed answer.
    let answersShort: Bool
    private let batches = Mutex<[[String]]>([])

    init(answersShort: Bool = false) { self.answersShort = answersShort }

    var sent: [[String]] { batches.withLock { $0 } }

    static func vector(_ text: String) -> [Float] {
        [Float(text.utf8.count), Float(text.utf8.first ?? 0), Float(text.utf8.last ?? 0)]
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        batches.withLock { $0.append(texts) }
        let vectors = texts.map(Self.vector)
        return answersShort ? Array(vectors.dropLast()) : vectors
    }
}

@Suite struct CachedEmbedderTests {
    @Test func aSecondCallIsAnsweredFromTheCache() async throws {
        let inner = RecordingEmbedder()
        let cached = CachedEmbedder(inner, capacity: 100)
        let first = try await cached.embed(["alpha", "beta"])
        let second = try await cached.embed(["alpha", "beta"])
        #expect(inner.sent == [["alpha", "beta"]])
        #expect(first == second)
        #expect(second == [RecordingEmbedder.vector("alpha"), RecordingEmbedder.vector("beta")])
        #expect(cached.stats.hits == 2)
        #expect(cached.stats.misses == 2)
        #expect(cached.count == 2)
    }

    @Test func aTextRepeatedInABatchIsEmbeddedOnce() async throws {
        let inner = RecordingEmbedder()
        let cached = CachedEmbedder(inner)
        let vectors = try await cached.embed(["x", "yy", "x", "x", "yy"])
        #expect(inner.sent == [["x", "yy"]])
        let x = RecordingEmbedder.vector("x")
        let yy = RecordingEmbedder.vector("yy")
        #expect(vectors == [x, yy, x, x, yy])
    }

    @Test func cachedAndNewTextsComeBackInInputOrder() async throws {
        let inner = RecordingEmbedder()
        let cached = CachedEmbedder(inner)
        _ = try await cached.embed(["beta", "delta"])
        let texts = ["alpha", "beta", "gamma", "delta", "alpha"]
        let vectors = try await cached.embed(texts)
        #expect(inner.sent == [["beta", "delta"], ["alpha", "gamma"]])
        #expect(vectors == texts.map(RecordingEmbedder.vector))
    }

    @Test func theLeastRecentlyUsedVectorIsEvictedAtCapacity() async throws {
        let inner = RecordingEmbedder()
        let cached = CachedEmbedder(inner, capacity: 2)
        _ = try await cached.embed(["a"])
        _ = try await cached.embed(["b"])
        _ = try await cached.embed(["a"])  // "a" is now more recent than "b"
        _ = try await cached.embed(["c"])  // evicts "b"
        #expect(cached.count == 2)
        _ = try await cached.embed(["a", "c"])
        #expect(inner.sent == [["a"], ["b"], ["c"]])
        _ = try await cached.embed(["b"])
        #expect(inner.sent == [["a"], ["b"], ["c"], ["b"]])
    }

    @Test func emptyBatchesAndNamesPassThrough() async throws {
        let inner = RecordingEmbedder()
        let cached = CachedEmbedder(inner)
        #expect(try await cached.embed([]).isEmpty)
        #expect(inner.sent.isEmpty)
        #expect(cached.modelName == "recording")
        #expect(cached.dimension == 3)
        _ = try await cached.embed(["a"])
        cached.removeAll()
        _ = try await cached.embed(["a"])
        #expect(inner.sent == [["a"], ["a"]])
    }

    @Test func aShortAnswerFromTheInnerEmbedderIsAnErrorAndCachesNothing() async throws {
        let cached = CachedEmbedder(RecordingEmbedder(answersShort: true))
        await #expect(throws: EmbedderError.self) { try await cached.embed(["a", "b"]) }
        #expect(cached.count == 0)
    }

    @Test func textKeysDependOnEveryByte() {
        #expect(TextKey(text: "abc") == TextKey(text: "abc"))
        #expect(TextKey(text: "abc") != TextKey(text: "abd"))
        #expect(TextKey(text: "") != TextKey(text: " "))
        // SHA-256 of the empty string.
        #expect(TextKey(text: "").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
