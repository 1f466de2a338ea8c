import Foundation
import Testing
@testable import TroveEmbed

/// The committed reference fixtures (made by scripts/make-embed-fixtures.py) and the
/// installed model (scripts/install-model.sh, run by the test command).
enum ReferenceFixtures {
    struct TokenizerCase: Decodable { let text: String; let ids: [Int32] }
    struct EncoderCase: Decodable { let text: String; let vector: [Float] }

    static func lines<T: Decodable>(_ name: String, as: T.Type) throws -> [T] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    struct FixtureMissing: Error { let name: String }

    /// The installed all-MiniLM-L6-v2 folder; a missing model fails the test with the fix.
    static func modelDirectory() throws -> URL {
        try ModelCatalog().locate(ModelCatalog.defaultModel)
    }

    /// One loaded model for every test of the target.
    static let embedder: Result<MiniLMEmbedder, Error> = Result { try ModelCatalog().load() }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in 0..<min(a.count, b.count) {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return dot / max((na * nb).squareRoot(), 1e-20)
    }
}
