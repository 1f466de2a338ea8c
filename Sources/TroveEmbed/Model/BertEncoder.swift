import CBLAS
import CTroveSupport

/// The BERT encoder with mean pooling and L2 normalisation, run over a batch of token-id
/// sequences packed end to end. Nothing is padded: the dense layers see every token of the
/// batch as one matrix (one `sgemm` per weight), and attention runs per sequence over
/// exactly its own tokens, which is what the padding mask computes, minus the padding.
struct BertEncoder: Sendable {
    let config: BertConfig
    let weights: BertWeights

    /// Per-thread scratch space, grown to the largest batch seen.
    final class Workspace {
        var hidden: [Float] = []
        var scratch: [Float] = []
        var qkv: [Float] = []
        var context: [Float] = []
        var intermediate: [Float] = []
        var scores: [Float] = []
        init() {}

        func reserve(tokens: Int, longest: Int, config: BertConfig) {
            func grow(_ buffer: inout [Float], _ count: Int) {
                if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
            }
            let h = config.hiddenSize
            grow(&hidden, tokens * h)
            grow(&scratch, tokens * h)
            grow(&context, tokens * h)
            grow(&qkv, tokens * 3 * h)
            grow(&intermediate, tokens * config.intermediateSize)
            grow(&scores, longest * longest)
        }
    }

    /// Writes one normalised vector per sequence into `output` (sequences.count × hidden).
    /// Every id must be below the vocabulary size and every sequence within maxPositions.
    func encode(_ sequences: [[Int32]], workspace: Workspace, output: UnsafeMutablePointer<Float>) {
        trove_blas_setup()
        var offsets: [Int] = [0]
        for s in sequences { offsets.append(offsets[offsets.count - 1] + s.count) }
        let tokens = offsets[offsets.count - 1]
        let longest = sequences.map(\.count).max() ?? 0
        guard tokens > 0 else { return }
        workspace.reserve(tokens: tokens, longest: longest, config: config)
        workspace.hidden.withUnsafeMutableBufferPointer { hidden in
            guard let x = hidden.baseAddress else { return }
            embed(sequences, into: x)
            for layer in weights.layers {
                run(layer, x: x, tokens: tokens, offsets: offsets, workspace: workspace)
            }
            pool(x, offsets: offsets, output: output)
        }
    }

    /// Word + position + token-type embeddings, then LayerNorm.
    private func embed(_ sequences: [[Int32]], into x: UnsafeMutablePointer<Float>) {
        let h = config.hiddenSize
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let out = x + row * h
                let word = weights.wordEmbeddings + Int(id) * h
                let place = weights.positionEmbeddings + position * h
                for c in 0..<h { out[c] = word[c] + place[c] + weights.tokenTypeEmbeddings[c] }
                row += 1
            }
        }
        Self.normalize(x, residual: nil, bias: nil, rows: row, columns: h, norm: weights.embeddingNorm,
                       epsilon: config.layerNormEpsilon)
    }

    /// One transformer block, leaving its output in `x`.
    private func run(_ layer: BertLayerWeights, x: UnsafeMutablePointer<Float>, tokens: Int, offsets: [Int], workspace: Workspace) {
        let h = config.hiddenSize
        let eps = config.layerNormEpsilon
        workspace.qkv.withUnsafeMutableBufferPointer { qkvBuffer in
        workspace.context.withUnsafeMutableBufferPointer { contextBuffer in
        workspace.scratch.withUnsafeMutableBufferPointer { scratchBuffer in
        workspace.intermediate.withUnsafeMutableBufferPointer { ffnBuffer in
        workspace.scores.withUnsafeMutableBufferPointer { scoreBuffer in
            guard let qkv = qkvBuffer.baseAddress, let context = contextBuffer.baseAddress,
                  let scratch = scratchBuffer.baseAddress, let ffn = ffnBuffer.baseAddress,
                  let scores = scoreBuffer.baseAddress else { return }
            for (i, dense) in [layer.query, layer.key, layer.value].enumerated() {
                Self.linear(x, rows: tokens, dense, into: qkv + i * h, ldc: 3 * h)
                trove_add_bias(qkv + i * h, tokens, h, 3 * h, dense.bias)
            }
            attention(qkv: qkv, offsets: offsets, scores: scores, context: context)
            Self.linear(context, rows: tokens, layer.attentionOutput, into: scratch, ldc: h)
            Self.normalize(scratch, residual: x, bias: layer.attentionOutput.bias, rows: tokens, columns: h,
                           norm: layer.attentionNorm, epsilon: eps)
            Self.linear(scratch, rows: tokens, layer.intermediate, into: ffn, ldc: config.intermediateSize)
            trove_bias_gelu(ffn, tokens, config.intermediateSize, layer.intermediate.bias)
            Self.linear(ffn, rows: tokens, layer.output, into: x, ldc: h)
            Self.normalize(x, residual: scratch, bias: layer.output.bias, rows: tokens, columns: h,
                           norm: layer.outputNorm, epsilon: eps)
        }}}}}
    }

    /// Scaled dot-product attention per sequence and head, over that sequence's tokens only.
    private func attention(qkv: UnsafeMutablePointer<Float>, offsets: [Int], scores: UnsafeMutablePointer<Float>,
                           context: UnsafeMutablePointer<Float>) {
        let h = config.hiddenSize, d = config.headSize
        let ld = Int32(3 * h)
        let scale = 1 / Float(d).squareRoot()
        for s in 0..<(offsets.count - 1) {
            let start = offsets[s], n = offsets[s + 1] - offsets[s]
            for head in 0..<config.heads {
                let q = qkv + start * 3 * h + head * d
                let k = q + h, v = q + 2 * h
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d),
                            scale, q, ld, k, ld, 0, scores, Int32(n))
                trove_softmax_rows(scores, n, n, n)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(n),
                            1, scores, Int32(n), v, ld, 0, context + start * h + head * d, Int32(h))
            }
        }
    }

    /// x ← LayerNorm(x + residual + bias), the form every post-attention and post-feed-forward
    /// step of BERT takes.
    private static func normalize(_ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                  rows: Int, columns: Int, norm: NormWeights, epsilon: Float) {
        trove_residual_layer_norm(x, residual, bias, rows, columns, norm.gamma, norm.beta, epsilon)
    }

    /// out (rows × outputs, row stride ldc) = input (rows × inputs) · weightᵀ.
    private static func linear(_ input: UnsafePointer<Float>, rows: Int, _ dense: DenseWeights,
                               into out: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(dense.outputs), Int32(dense.inputs),
                    1, input, Int32(dense.inputs), dense.weight, Int32(dense.inputs), 0, out, Int32(ldc))
    }

    /// Mean over each sequence's tokens, then scaled to unit length.
    private func pool(_ x: UnsafePointer<Float>, offsets: [Int], output: UnsafeMutablePointer<Float>) {
        let h = config.hiddenSize
        for s in 0..<(offsets.count - 1) {
            let out = output + s * h
            for c in 0..<h { out[c] = 0 }
            for row in offsets[s]..<offsets[s + 1] {
                let r = x + row * h
                for c in 0..<h { out[c] += r[c] }
            }
            let count = Float(max(1, offsets[s + 1] - offsets[s]))
            var norm: Float = 0
            for c in 0..<h {
                out[c] /= count
                norm += out[c] * out[c]
            }
            let scale = 1 / max(norm.squareRoot(), 1e-12)
            for c in 0..<h { out[c] *= scale }
        }
    }
}
