import Foundation
import TroveStorage
@testable import TroveVector

enum VectorTestData {
    static func gaussian(_ rng: inout SplitMix64) -> Float {
        let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12)
        let u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }

    static func random(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(state: seed)
        return (0..<(n * d)).map { _ in gaussian(&rng) }
    }

    /// Points around `clusters` centres: IVF has structure to find.
    static func clustered(_ n: Int, _ d: Int, clusters: Int, spread: Float = 0.3, seed: UInt64) -> [Float] {
        var rng = SplitMix64(state: seed)
        let centres = (0..<(clusters * d)).map { _ in gaussian(&rng) * 3 }
        var out = [Float]()
        out.reserveCapacity(n * d)
        for _ in 0..<n {
            let c = Int(rng.next() % UInt64(clusters))
            for j in 0..<d { out.append(centres[c * d + j] + gaussian(&rng) * spread) }
        }
        return out
    }

    /// The reference: every score in Double, sorted by score then id.
    static func naive(_ base: [Float], _ query: [Float], d: Int, k: Int, metric: VectorMetric, allowed: Set<Int>? = nil) -> [(id: Int, score: Double)] {
        func prep(_ v: ArraySlice<Float>) -> [Double] {
            let x = v.map(Double.init)
            guard metric == .cosine else { return x }
            let n = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return x.map { $0 / n }
        }
        let q = prep(query[...])
        var scored: [(Int, Double)] = []
        for i in 0..<(base.count / d) where allowed?.contains(i) ?? true {
            let x = prep(base[(i * d)..<((i + 1) * d)])
            let s: Double
            switch metric {
            case .l2: s = -zip(q, x).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            default: s = zip(q, x).reduce(0) { $0 + $1.0 * $1.1 }
            }
            scored.append((i, s))
        }
        scored.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return scored.prefix(k).map { (id: $0.0, score: $0.1) }
    }

    /// Ids equal the reference's, except where neighbours' scores are within float error.
    static func sameRanking(_ got: [VectorHit], _ want: [(id: Int, score: Double)], tolerance: Double = 1e-3) -> Bool {
        guard got.count == want.count else { return false }
        for (i, hit) in got.enumerated() where hit.id != want[i].id {
            if abs(Double(hit.score) - want[i].score) > tolerance * max(1, abs(want[i].score)) { return false }
        }
        return true
    }

    static func recall(_ got: [[VectorHit]], _ truth: [[VectorHit]]) -> Double {
        var found = 0, total = 0
        for (g, t) in zip(got, truth) {
            let want = Set(t.map(\.id))
            found += g.filter { want.contains($0.id) }.count
            total += t.count
        }
        return Double(found) / Double(max(total, 1))
    }
}
