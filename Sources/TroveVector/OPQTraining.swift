import CBLAS
import Foundation
import TroveStorage

/// Learns a `ProductQuantizer` and its OPQ rotation (Ge et al., "Optimized Product
/// Quantization", the non-parametric version), alternating two steps that each lower
/// the quantization error ‖X·R − Y‖:
///
/// 1. with R fixed, k-means in each slice of the rotated sample gives the codebooks, and
///    Y is the sample's reconstruction;
/// 2. with Y fixed, the best orthogonal R is the Procrustes solution U·Vᵀ of the SVD
///    Xᵀ·Y = U·Σ·Vᵀ, computed by LAPACK's `sgesvd`.
///
/// R starts as a random rotation (the orthogonal factor of a Gaussian matrix, also by
/// SVD), which already spreads variance evenly across the slices.
enum OPQTraining {
    /// Rows the rotation is learned on (FAISS's OPQ uses the same cap, 256 × 256).
    static let sampleCap = 65_536
    static let rotationIterations = 12
    /// k-means iterations per slice: first codebooks, then per alternation, then final.
    static let firstIterations = 20
    static let stepIterations = 4
    static let finalIterations = 15

    /// A quantizer for `data` (typically residuals from the coarse centroids).
    static func train(_ data: FloatMatrix, subquantizers m: Int, seed: UInt64 = 4321, threads: Int = 2) -> ProductQuantizer {
        let d = data.dimension
        var rng = SplitMix64(state: seed)
        let sample = data.rows > sampleCap ? data.gather(KMeans.sample(data.rows, sampleCap, rng: &rng)) : data
        var rotation = randomRotation(d, rng: &rng)
        var pq = trainCodebooks(ProductQuantizer(codebooks: FloatMatrix.zeros(rows: 0, dimension: d / m).0, rotation: rotation, subquantizers: m),
                                rotated: sample, iterations: firstIterations, warm: false, threads: threads)
        for _ in 0..<rotationIterations {
            let rotated = pq.rotate(sample)
            pq = trainCodebooks(pq, rotated: rotated, iterations: stepIterations, warm: true, threads: threads)
            let codes = pq.encode(rotated: rotated, threads: threads)
            let reconstruction = codes.withUnsafeBufferPointer { pq.decode($0.baseAddress!, rows: sample.rows) }
            guard let next = procrustes(sample, reconstruction) else { break }
            rotation = next
            pq = ProductQuantizer(codebooks: pq.codebooks, rotation: rotation, subquantizers: m)
        }
        return trainCodebooks(pq, rotated: pq.rotate(sample), iterations: finalIterations, warm: true, threads: threads)
    }

    /// k-means (256 centres) in every slice of the rotated rows (warm: starting from
    /// `pq`'s codebooks).
    static func trainCodebooks(_ pq: ProductQuantizer, rotated: FloatMatrix, iterations: Int, warm: Bool, threads: Int) -> ProductQuantizer {
        let m = pq.subquantizers, ds = rotated.dimension / m
        let (books, p) = FloatMatrix.zeros(rows: m * ProductQuantizer.codewords, dimension: ds)
        for j in 0..<m {
            let slice = ProductQuantizer.slice(rotated, j, of: m)
            let c = KMeans.train(slice, k: ProductQuantizer.codewords, metric: .l2, iterations: iterations,
                                 initial: warm ? pq.codebook(j) : nil, seed: 77 &+ UInt64(j), threads: threads)
            (p + j * ProductQuantizer.codewords * ds).update(from: c.base, count: ProductQuantizer.codewords * ds)
        }
        return ProductQuantizer(codebooks: books, rotation: pq.rotation, subquantizers: m)
    }

    /// argmin over orthogonal R of ‖X·R − Y‖: U·Vᵀ from the SVD of Xᵀ·Y. Nil when LAPACK
    /// reports a failure (the previous rotation is then kept).
    static func procrustes(_ x: FloatMatrix, _ y: FloatMatrix) -> FloatMatrix? {
        let d = x.dimension
        let cross = FloatBuffer(count: d * d)
        VectorMath.gemm(transposeA: true, transposeB: false, m: d, n: d, k: x.rows, a: x.base, lda: d, b: y.base, ldb: d, c: cross.pointer, ldc: d)
        return orthogonalFactor(cross.pointer, d)
    }

    /// U·Vᵀ for the SVD of the d × d row-major matrix at `a` (overwritten).
    static func orthogonalFactor(_ a: UnsafeMutablePointer<Float>, _ d: Int) -> FloatMatrix? {
        let u = FloatBuffer(count: d * d), vt = FloatBuffer(count: d * d)
        var sigma = [Float](repeating: 0, count: d), superb = [Float](repeating: 0, count: max(1, d - 1))
        let info = LAPACKE_sgesvd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "A")), CChar(UInt8(ascii: "A")), Int32(d), Int32(d), a, Int32(d),
                                  &sigma, u.pointer, Int32(d), vt.pointer, Int32(d), &superb)
        guard info == 0 else { return nil }
        let (r, p) = FloatMatrix.zeros(rows: d, dimension: d)
        VectorMath.gemm(transposeA: false, transposeB: false, m: d, n: d, k: d, a: u.pointer, lda: d, b: vt.pointer, ldb: d, c: p, ldc: d)
        return r
    }

    /// A uniformly random rotation: the orthogonal factor of a Gaussian matrix.
    static func randomRotation(_ d: Int, rng: inout SplitMix64) -> FloatMatrix {
        let g = FloatBuffer(count: d * d)
        for i in 0..<(d * d) {
            // Box–Muller from two uniforms in (0, 1].
            let u1 = Double((rng.next() >> 11) + 1) / Double(1 << 53), u2 = Double(rng.next() >> 11) / Double(1 << 53)
            g.pointer[i] = Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
        }
        return orthogonalFactor(g.pointer, d) ?? identity(d)
    }

    static func identity(_ d: Int) -> FloatMatrix {
        let (r, p) = FloatMatrix.zeros(rows: d, dimension: d)
        for i in 0..<d { p[i * d + i] = 1 }
        return r
    }
}
