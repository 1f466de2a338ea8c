import Foundation

/// A dense layer's parameters as PyTorch stores them: `weight` is out×in, row-major.
struct DenseWeights: @unchecked Sendable {
    let weight: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let inputs: Int
    let outputs: Int
}

/// A LayerNorm's scale and shift.
struct NormWeights: @unchecked Sendable {
    let gamma: UnsafePointer<Float>
    let beta: UnsafePointer<Float>
}

/// One transformer block.
struct BertLayerWeights: @unchecked Sendable {
    let query: DenseWeights
    let key: DenseWeights
    let value: DenseWeights
    let attentionOutput: DenseWeights
    let attentionNorm: NormWeights
    let intermediate: DenseWeights
    let output: DenseWeights
    let outputNorm: NormWeights
}

/// Every parameter the encoder reads, pointing into the mapped safetensors file, which this
/// value keeps alive (the pointers are valid exactly as long as `file` is).
struct BertWeights: @unchecked Sendable {
    let file: SafeTensorsFile
    let wordEmbeddings: UnsafePointer<Float>
    let positionEmbeddings: UnsafePointer<Float>
    let tokenTypeEmbeddings: UnsafePointer<Float>
    let embeddingNorm: NormWeights
    let layers: [BertLayerWeights]

    init(file: SafeTensorsFile, config: BertConfig) throws {
        self.file = file
        let h = config.hiddenSize
        // Checkpoints saved from BertModel have bare names; from BertForX they carry "bert.".
        let prefix = file.entries["embeddings.word_embeddings.weight"] == nil && file.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            guard let base = try file.floats(prefix + name, shape: shape).baseAddress else {
                throw EmbedderError.modelFile(path: file.path, problem: "has an empty tensor \(prefix + name)")
            }
            return base
        }
        func dense(_ name: String, inputs: Int, outputs: Int) throws -> DenseWeights {
            DenseWeights(weight: try tensor(name + ".weight", [outputs, inputs]), bias: try tensor(name + ".bias", [outputs]),
                         inputs: inputs, outputs: outputs)
        }
        func norm(_ name: String) throws -> NormWeights {
            NormWeights(gamma: try tensor(name + ".weight", [h]), beta: try tensor(name + ".bias", [h]))
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<config.layers).map { i in
            let p = "encoder.layer.\(i)."
            return BertLayerWeights(
                query: try dense(p + "attention.self.query", inputs: h, outputs: h),
                key: try dense(p + "attention.self.key", inputs: h, outputs: h),
                value: try dense(p + "attention.self.value", inputs: h, outputs: h),
                attentionOutput: try dense(p + "attention.output.dense", inputs: h, outputs: h),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try dense(p + "intermediate.dense", inputs: h, outputs: config.intermediateSize),
                output: try dense(p + "output.dense", inputs: config.intermediateSize, outputs: h),
                outputNorm: try norm(p + "output.LayerNorm")
            )
        }
    }
}
