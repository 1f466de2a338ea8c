/// SQ8: each component stored as one byte between the training sample's per-dimension
/// minimum and maximum: x ≈ min + (code + 0.5)·step. Four times less memory than float32;
/// the best candidates are then re-scored exactly from the float32 rows.
public struct ScalarQuantizer: Sendable {
    public let minimum: [Float]
    public let step: [Float]

    init(minimum: [Float], step: [Float]) {
        self.minimum = minimum
        self.step = step
    }

    /// Learns the ranges from `sample`.
    init(training sample: FloatMatrix) {
        let d = sample.dimension
        var lo = [Float](repeating: .infinity, count: d)
        var hi = [Float](repeating: -.infinity, count: d)
        for i in 0..<sample.rows {
            let r = sample.row(i)
            for j in 0..<d {
                lo[j] = min(lo[j], r[j])
                hi[j] = max(hi[j], r[j])
            }
        }
        minimum = lo
        step = (0..<d).map { j in max((hi[j] - lo[j]) / 255, Float.leastNormalMagnitude) }
    }

    /// The codes of one row.
    func encode(_ row: UnsafePointer<Float>, into out: UnsafeMutablePointer<UInt8>) {
        for j in 0..<minimum.count {
            let q = ((row[j] - minimum[j]) / step[j]).rounded(.down)
            out[j] = UInt8(max(0, min(255, q)))
        }
    }

    /// Decodes `rows` consecutive code rows into floats.
    func decode(_ codes: UnsafePointer<UInt8>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        let d = minimum.count
        minimum.withUnsafeBufferPointer { lo in
            step.withUnsafeBufferPointer { st in
                for i in 0..<rows {
                    let c = codes + i * d, o = out + i * d
                    for j in 0..<d { o[j] = lo[j] + (Float(c[j]) + 0.5) * st[j] }
                }
            }
        }
    }

    /// Per-query weights so that q·x̂ = offset + Σ weight[j]·code[j].
    func queryWeights(_ q: UnsafePointer<Float>) -> (weights: [Float], offset: Float) {
        var offset: Float = 0
        let w = (0..<minimum.count).map { j -> Float in
            offset += q[j] * (minimum[j] + 0.5 * step[j])
            return q[j] * step[j]
        }
        return (w, offset)
    }

    /// Σ weight[j]·code[j] with 16-wide SIMD.
    @inline(__always)
    static func weightedSum(_ w: UnsafePointer<Float>, _ codes: UnsafePointer<UInt8>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var j = 0
        let rw = UnsafeRawPointer(w), rc = UnsafeRawPointer(codes)
        while j + 16 <= n {
            let c = rc.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self)
            acc.addProduct(SIMD16<Float>(c), rw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self))
            j += 16
        }
        var s = acc.sum()
        while j < n {
            s += w[j] * Float(codes[j])
            j += 1
        }
        return s
    }
}
