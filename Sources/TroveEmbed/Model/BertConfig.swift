import Foundation

/// The shape of a BERT encoder and how a sentence-transformers model uses it, read from a
/// model folder's `config.json`, `sentence_bert_config.json` and `1_Pooling/config.json`.
public struct BertConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var vocabularySize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float
    /// Tokens per sequence, `[CLS]` and `[SEP]` included (sentence-transformers' max_seq_length).
    public var maxSequenceLength: Int
    public var lowercase: Bool

    public var headSize: Int { hiddenSize / heads }

    public init(hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, vocabularySize: Int,
                maxPositions: Int, typeVocabularySize: Int = 2, layerNormEpsilon: Float = 1e-12,
                maxSequenceLength: Int, lowercase: Bool = true) {
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
        self.layerNormEpsilon = layerNormEpsilon
        self.maxSequenceLength = maxSequenceLength
        self.lowercase = lowercase
    }

    /// Reads the configuration files of the model folder `directory`.
    public init(directory: URL) throws {
        let config = try Self.object(directory.appendingPathComponent("config.json"), required: true)
        func int(_ key: String) throws -> Int {
            guard let n = config[key] as? NSNumber, n.intValue > 0 else {
                throw EmbedderError.modelFile(path: directory.appendingPathComponent("config.json").path,
                                              problem: "has no positive integer \(key)")
            }
            return n.intValue
        }
        if let act = config["hidden_act"] as? String, act != "gelu" {
            throw EmbedderError.modelFile(path: directory.appendingPathComponent("config.json").path,
                                          problem: "uses activation \(act); only gelu is supported")
        }
        let sbert = try Self.object(directory.appendingPathComponent("sentence_bert_config.json"), required: false)
        let tokenizer = try Self.object(directory.appendingPathComponent("tokenizer_config.json"), required: false)
        let pooling = try Self.object(directory.appendingPathComponent("1_Pooling/config.json"), required: false)
        if let mean = pooling["pooling_mode_mean_tokens"] as? Bool, !mean {
            throw EmbedderError.modelFile(path: directory.appendingPathComponent("1_Pooling/config.json").path,
                                          problem: "asks for a pooling other than mean; only mean pooling is supported")
        }
        let positions = try int("max_position_embeddings")
        let sequence = (sbert["max_seq_length"] as? NSNumber)?.intValue ?? positions
        self.init(
            hiddenSize: try int("hidden_size"), layers: try int("num_hidden_layers"), heads: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), vocabularySize: try int("vocab_size"),
            maxPositions: positions, typeVocabularySize: (config["type_vocab_size"] as? NSNumber)?.intValue ?? 2,
            layerNormEpsilon: (config["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12,
            maxSequenceLength: min(max(2, sequence), positions),
            lowercase: (tokenizer["do_lower_case"] as? Bool) ?? true
        )
        guard hiddenSize % heads == 0 else {
            throw EmbedderError.modelFile(path: directory.appendingPathComponent("config.json").path,
                                          problem: "has hidden_size \(hiddenSize) not divisible by \(heads) heads")
        }
    }

    private static func object(_ url: URL, required: Bool) throws -> [String: Any] {
        guard let data = try? Data(contentsOf: url) else {
            if required { throw EmbedderError.modelFile(path: url.path, problem: "is missing") }
            return [:]
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EmbedderError.modelFile(path: url.path, problem: "is not a JSON object")
        }
        return object
    }
}
