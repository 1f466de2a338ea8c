import Foundation

/// BM25 with k1 = 1.2, b = 0.75 and Lucene's idf, over statistics of every live segment.
public struct BM25: Sendable {
    public static let k1: Float = 1.2
    public static let b: Float = 0.75

    /// Documents that have the field, and their average length.
    public let documents: Int
    public let averageLength: Float

    public init(documents: Int, totalTokens: Int) {
        self.documents = documents
        averageLength = documents == 0 ? 1 : max(Float(totalTokens) / Float(documents), 1e-6)
    }

    public func idf(df: Int) -> Float {
        let n = Float(documents), d = Float(df)
        return log(1 + (n - d + 0.5) / (d + 0.5))
    }

    /// The length part of the denominator, k1·(1 − b + b·length/avgdl): one per norm code
    /// per query, so the hot loop does a table lookup instead.
    @inline(__always)
    public func lengthFactor(length: Float) -> Float {
        BM25.k1 * (1 - BM25.b + BM25.b * length / averageLength)
    }

    /// The score of one term in one document: `weight` is idf × boost.
    @inline(__always)
    public func score(weight: Float, tf: Int, length: Float) -> Float {
        score(weight: weight, tf: tf, lengthFactor: lengthFactor(length: length))
    }

    /// The same score with the length factor precomputed (bit-identical to the above).
    @inline(__always)
    public func score(weight: Float, tf: Int, lengthFactor: Float) -> Float {
        let f = Float(tf)
        return weight * (f * (BM25.k1 + 1)) / (f + lengthFactor)
    }

    /// `lengthFactor` for each of the 256 norm codes.
    public func lengthFactors() -> [Float] {
        (0..<256).map { lengthFactor(length: FieldNorms.table[$0]) }
    }
}
