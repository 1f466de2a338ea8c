import CTroveSupport
import Dispatch
import Foundation

/// A sentence-transformers BERT model (all-MiniLM-L6-v2 first of all) run natively: the
/// WordPiece tokenizer, the encoder on BLAS, mean pooling, L2 normalisation. Inputs are
/// sorted by token count and cut into batches, so each batch holds sequences of similar
/// length; batches run on all cores at once, one BLAS thread each.
public final class MiniLMEmbedder: Embedder, @unchecked Sendable {
    public let modelName: String
    public let dimension: Int
    public let tokenizer: WordPieceTokenizer
    /// The folder the model was loaded from.
    public let directory: URL
    /// Sequences per batch (the unit of work one core takes at a time).
    public let batchSize: Int
    /// How many batches run at once.
    public let threads: Int
    // Immutable after init; each call makes its own workspaces.
    private let encoder: BertEncoder

    /// Loads the model in `directory` (config.json, model.safetensors, vocab.txt, and the
    /// optional sentence-transformers files). Every problem names the file at fault.
    public init(directory: URL, name: String? = nil, batchSize: Int = 32,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let config = try BertConfig(directory: directory)
        let file = try SafeTensorsFile(url: directory.appendingPathComponent("model.safetensors"))
        let weights = try BertWeights(file: file, config: config)
        let vocabulary = directory.appendingPathComponent("vocab.txt")
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabulary, maxLength: config.maxSequenceLength,
                                               lowercase: config.lowercase)
        guard tokenizer.vocabularySize <= config.vocabularySize else {
            throw EmbedderError.modelFile(path: vocabulary.path,
                                          problem: "has \(tokenizer.vocabularySize) tokens but the model embeds \(config.vocabularySize)")
        }
        self.encoder = BertEncoder(config: config, weights: weights)
        self.tokenizer = tokenizer
        self.directory = directory
        self.modelName = name ?? directory.lastPathComponent
        self.dimension = config.hiddenSize
        self.batchSize = max(1, batchSize)
        self.threads = max(1, threads)
    }

    /// The kernel family BLAS runs the encoder's products with, for benchmark reports.
    public static var blasCore: String {
        trove_blas_setup()
        return String(cString: trove_blas_core_name())
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.embedNow(texts))
            }
        }
    }

    /// The same as `embed`, on the calling thread (which it blocks while all cores work).
    public func embedNow(_ texts: [String]) -> [[Float]] {
        let flat = embedFlat(texts)
        return (0..<texts.count).map { Array(flat[$0 * dimension..<($0 + 1) * dimension]) }
    }

    /// All vectors end to end in one array (texts.count × dimension).
    public func embedFlat(_ texts: [String]) -> [Float] {
        guard !texts.isEmpty else { return [] }
        let sequences = tokenize(texts)
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
        var output = [Float](repeating: 0, count: texts.count * dimension)
        let next = BatchCounter()
        let dimension = self.dimension
        output.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: min(threads, batches.count)) { _ in
                let workspace = BertEncoder.Workspace()
                var pooled: [Float] = []
                while let b = next.take(below: batches.count) {
                    let members = batches[b]
                    if pooled.count < members.count * dimension { pooled = [Float](repeating: 0, count: members.count * dimension) }
                    pooled.withUnsafeMutableBufferPointer { p in
                        guard let base = p.baseAddress, let out = out.pointer else { return }
                        encoder.encode(members.map { sequences[$0] }, workspace: workspace, output: base)
                        for (slot, index) in members.enumerated() {
                            (out + index * dimension).update(from: base + slot * dimension, count: dimension)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Token ids of every text, on all cores.
    private func tokenize(_ texts: [String]) -> [[Int32]] {
        let lanes = min(threads, max(1, texts.count / 64))
        var result = [[Int32]](repeating: [], count: texts.count)
        result.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                guard let base = out.pointer else { return }
                for i in stride(from: lane, to: texts.count, by: lanes) {
                    (base + i).pointee = tokenizer.encode(texts[i])
                }
            }
        }
        return result
    }
}

/// Hands out batch numbers to worker threads.
private final class BatchCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// Workers write disjoint elements of one output buffer.
private struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>?
    init(_ pointer: UnsafeMutablePointer<Element>?) { self.pointer = pointer }
}
