import Foundation
import Testing
@testable import TroveEmbed

@Suite struct MiniLMEncoderTests {
    @Test func vectorsMatchSentenceTransformersOnEveryFixtureSentence() throws {
        let cases = try ReferenceFixtures.lines("encoder-cases", as: ReferenceFixtures.EncoderCase.self)
        #expect(cases.count >= 50)
        let embedder = try ReferenceFixtures.embedder.get()
        #expect(embedder.dimension == 384)
        let vectors = embedder.embedNow(cases.map(\.text))
        var worst: (Float, String) = (1, "")
        for (c, v) in zip(cases, vectors) {
            let cos = ReferenceFixtures.cosine(c.vector, v)
            if cos < worst.0 { worst = (cos, c.text) }
        }
        #expect(worst.0 >= 0.9999, "lowest cosine \(worst.0) for \(worst.1.prefix(80).debugDescription)")
        for v in vectors {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
        }
    }

    @Test func aSentenceGetsTheSameVectorAloneAndInAnyBatch() throws {
        let embedder = try ReferenceFixtures.embedder.get()
        let texts = ["short one", "a somewhat longer sentence about storage engines and indexes",
                     "café ☕ 中文", String(repeating: "long input ", count: 200)]
        let together = embedder.embedNow(texts)
        for (i, text) in texts.enumerated() {
            let alone = embedder.embedNow([text])[0]
            #expect(ReferenceFixtures.cosine(alone, together[i]) > 0.99999)
        }
        #expect(embedder.embedNow([]).isEmpty)
    }

    @Test func similarMeaningsScoreHigherThanUnrelatedOnes() async throws {
        let embedder = try ReferenceFixtures.embedder.get()
        let v = try await embedder.embed(["How do I reset my password?", "I forgot my password and need to change it",
                                          "The recipe needs two cups of flour"])
        #expect(ReferenceFixtures.cosine(v[0], v[1]) > ReferenceFixtures.cosine(v[0], v[2]) + 0.3)
    }
}
