import CTroveSupport
import Testing
import TroveTestSupport
import TroveStorage
@testable import TroveVector

/// The product quantizer and its OPQ rotation: LAPACK's SVD gives orthogonal rotations,
/// the Procrustes step recovers a known rotation, the learned rotation quantizes
/// correlated data better than none, and table-lookup scores equal dot products with the
/// decoded rows at every kernel entry point.
@Suite(.ownThread) struct ProductQuantizerTests {
    static func maxDeviationFromIdentity(_ r: FloatMatrix) -> Float {
        let d = r.dimension
        let p = FloatBuffer(count: d * d)
        VectorMath.gemm(transposeA: true, transposeB: false, m: d, n: d, k: d, a: r.base, lda: d, b: r.base, ldb: d, c: p.pointer, ldc: d)
        var worst: Float = 0
        for i in 0..<d { for j in 0..<d { worst = max(worst, abs(p.pointer[i * d + j] - (i == j ? 1 : 0))) } }
        return worst
    }

    @Test func randomRotationsAreOrthogonal() {
        var rng = SplitMix64(state: 5)
        let r = OPQTraining.randomRotation(48, rng: &rng)
        #expect(Self.maxDeviationFromIdentity(r) < 1e-4)
        // Not the identity: a rotation that did nothing would pass the test above too.
        #expect(abs(r.row(0)[0]) < 0.9)
    }

    @Test func procrustesRecoversAKnownRotation() throws {
        let d = 24, n = 2000
        var rng = SplitMix64(state: 9)
        let q = OPQTraining.randomRotation(d, rng: &rng)
        let x = try FloatMatrix(rows: n, dimension: d, values: VectorTestData.random(n, d, seed: 3))
        let (y, p) = FloatMatrix.zeros(rows: n, dimension: d)
        VectorMath.gemm(transposeA: false, transposeB: false, m: n, n: d, k: d, a: x.base, lda: d, b: q.base, ldb: d, c: p, ldc: d)
        let r = try #require(OPQTraining.procrustes(x, y))
        for i in 0..<(d * d) { #expect(abs(r.base[i] - q.base[i]) < 1e-3) }
    }

    /// Data whose variance sits in a few correlated directions: slices of the raw vector
    /// see it unevenly, so the learned rotation must lower the quantization error compared
    /// with the same quantizer trained behind the identity.
    @Test func theLearnedRotationQuantizesCorrelatedDataBetter() throws {
        let d = 32, n = 4000, m = 8
        var rng = SplitMix64(state: 17)
        let mix = (0..<(4 * d)).map { _ in VectorTestData.gaussian(&rng) }
        var values = [Float]()
        for _ in 0..<n {
            let z = (0..<4).map { _ in VectorTestData.gaussian(&rng) * 3 }
            for j in 0..<d { values.append((0..<4).reduce(0) { $0 + z[$1] * mix[$1 * d + j] } + VectorTestData.gaussian(&rng) * 0.1) }
        }
        let data = try FloatMatrix(rows: n, dimension: d, values: values)
        let learned = OPQTraining.train(data, subquantizers: m, threads: 2)
        #expect(Self.maxDeviationFromIdentity(learned.rotation) < 1e-3)
        let plain = ProductQuantizer(codebooks: FloatMatrix.zeros(rows: 0, dimension: d / m).0, rotation: OPQTraining.identity(d), subquantizers: m)
        let identity = OPQTraining.trainCodebooks(plain, rotated: data, iterations: 35, warm: false, threads: 2)
        let e1 = Self.error(learned, data), e0 = Self.error(identity, data)
        #expect(e1 < 0.8 * e0, "OPQ error \(e1), identity \(e0)")
    }

    /// Mean squared reconstruction error in the rotated space (equal to the original's).
    static func error(_ pq: ProductQuantizer, _ data: FloatMatrix) -> Float {
        let rotated = pq.rotate(data)
        let codes = pq.encode(rotated: rotated, threads: 2)
        let back = codes.withUnsafeBufferPointer { pq.decode($0.baseAddress!, rows: data.rows) }
        var s: Float = 0
        for i in 0..<(data.rows * data.dimension) { s += (rotated.base[i] - back.base[i]) * (rotated.base[i] - back.base[i]) }
        return s / Float(data.rows)
    }

    @Test func tableScoresEqualDotProductsWithTheDecodedRows() throws {
        let d = 24, n = 1500, m = 6
        let data = try FloatMatrix(rows: n, dimension: d, values: VectorTestData.clustered(n, d, clusters: 20, seed: 4))
        let pq = OPQTraining.train(data, subquantizers: m, threads: 2)
        let codes = pq.encode(rotated: pq.rotate(data), threads: 2)
        let decoded = codes.withUnsafeBufferPointer { pq.decode($0.baseAddress!, rows: n) }
        let query = try FloatMatrix(rows: 1, dimension: d, values: VectorTestData.random(1, d, seed: 8))
        let rq = pq.rotate(query)
        let table = FloatBuffer(count: m * 256)
        pq.lookupTable(query.base, into: table.pointer)
        var scores = [Float](repeating: 0, count: n)
        trove_pq_scores(table.pointer, codes, n, m, 0.5, &scores)
        let positions: [UInt32] = [7, 0, 1499, 3, 3, 900]
        var picked = [Float](repeating: 0, count: positions.count)
        trove_pq_scores_at(table.pointer, codes, positions, positions.count, m, 0.5, &picked)
        for i in 0..<n {
            let want = 0.5 + VectorMath.dot(rq.base, decoded.row(i), d)
            #expect(abs(scores[i] - want) < 1e-3 * max(1, abs(want)), "row \(i)")
        }
        for (j, p) in positions.enumerated() { #expect(picked[j] == scores[Int(p)]) }
    }

    @Test func subquantizerCountsMustDivideTheDimension() {
        #expect(ProductQuantizer.defaultSubquantizers(for: 384) == 48)
        #expect(ProductQuantizer.defaultSubquantizers(for: 100) == 10)
        #expect(ProductQuantizer.defaultSubquantizers(for: 4) == 1)
        #expect(ProductQuantizer.valid(subquantizers: 96, dimension: 384))
        #expect(!ProductQuantizer.valid(subquantizers: 50, dimension: 384))
        #expect(!ProductQuantizer.valid(subquantizers: 0, dimension: 384))
    }
}
