/// The element-wise parts of the encoder, 16 lanes at a time. `exp` and `erf` are
/// polynomial approximations accurate to a few float32 ulps (exp) and 1.5e-7 absolute
/// (erf), far inside what a 0.9999 cosine to the reference tolerates, and cheap enough that
/// GELU over every intermediate activation does not rival the matrix products.
enum EncoderKernels {
    typealias V = SIMD16<Float>

    private static let shifterBits = Int32(bitPattern: Float(12_582_912).bitPattern)

    /// e^x for each lane (Cody–Waite reduction to 2^n · e^r, degree-6 polynomial for e^r).
    @inline(__always)
    static func exp(_ x: V) -> V {
        let clamped = x.clamped(lowerBound: V(repeating: -87.3), upperBound: V(repeating: 88.7))
        // Adding 1.5·2^23 rounds to an integer held in the low mantissa bits.
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = clamped - n * 0.693_145_75
        r = r - n * 1.428_606_8e-6
        var p = V(repeating: 1.0 / 720.0)
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- SIMD16<Int32>(repeating: shifterBits)
        let bits = (exponent &+ SIMD16<Int32>(repeating: 127)) &* SIMD16<Int32>(repeating: 1 << 23)
        return p * unsafeBitCast(bits, to: V.self)
    }

    /// erf(x) for each lane (Abramowitz & Stegun 7.1.26).
    @inline(__always)
    static func erf(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = V(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(-(a * a))
        return y.replacing(with: -y, where: x .< 0)
    }

    /// x ← GELU(x + bias) for each of `rows` rows of `columns` (the exact, erf-based GELU).
    static func biasGELU(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        let raw = UnsafeMutableRawPointer(x)
        let braw = UnsafeRawPointer(bias)
        for row in 0..<rows {
            let base = row * columns
            var c = 0
            while c + 16 <= columns {
                let v = raw.loadUnaligned(fromByteOffset: (base + c) * 4, as: V.self) + braw.loadUnaligned(fromByteOffset: c * 4, as: V.self)
                let g = 0.5 * v * (1 + erf(v * 0.707_106_781))
                raw.storeBytes(of: g, toByteOffset: (base + c) * 4, as: V.self)
                c += 16
            }
            while c < columns {
                var lane = V(repeating: 0)
                lane[0] = x[base + c] + bias[c]
                x[base + c] = (0.5 * lane * (1 + erf(lane * 0.707_106_781)))[0]
                c += 1
            }
        }
    }

    /// x ← x + bias for each row.
    static func addBias(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int, bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            let r = x + row * stride
            for c in 0..<columns { r[c] += bias[c] }
        }
    }

    /// x ← LayerNorm(x + residual + bias) row by row, the form every post-attention and
    /// post-feed-forward step of BERT takes (`residual` may be nil, `bias` too).
    static func residualLayerNorm(_ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                  rows: Int, columns: Int, norm: NormWeights, epsilon: Float) {
        for row in 0..<rows {
            let r = x + row * columns
            if let residual {
                let s = residual + row * columns
                for c in 0..<columns { r[c] += s[c] }
            }
            if let bias {
                for c in 0..<columns { r[c] += bias[c] }
            }
            var mean: Float = 0
            for c in 0..<columns { mean += r[c] }
            mean /= Float(columns)
            var variance: Float = 0
            for c in 0..<columns {
                let d = r[c] - mean
                variance += d * d
            }
            variance /= Float(columns)
            let inverse = 1 / (variance + epsilon).squareRoot()
            for c in 0..<columns { r[c] = (r[c] - mean) * inverse * norm.gamma[c] + norm.beta[c] }
        }
    }

    /// Each of `rows` rows of `count` scores (row stride `stride`) becomes softmax(scores).
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, count: Int, stride: Int) {
        for row in 0..<rows {
            let r = x + row * stride
            var peak = -Float.infinity
            for c in 0..<count { peak = max(peak, r[c]) }
            var sum: Float = 0
            var c = 0
            let raw = UnsafeMutableRawPointer(r)
            while c + 16 <= count {
                let e = exp(raw.loadUnaligned(fromByteOffset: c * 4, as: V.self) - peak)
                raw.storeBytes(of: e, toByteOffset: c * 4, as: V.self)
                sum += e.sum()
                c += 16
            }
            while c < count {
                var lane = V(repeating: 0)
                lane[0] = r[c] - peak
                r[c] = exp(lane)[0]
                sum += r[c]
                c += 1
            }
            let inverse = 1 / sum
            for c in 0..<count { r[c] *= inverse }
        }
    }
}
