import Foundation
import TroveEmbed
import TroveJSON

/// One `/v1/embeddings` body: the inputs as texts, and how the vectors are written.
/// Inputs may be a string, an array of strings, an array of token ids or an array of
/// such arrays, as OpenAI accepts; token ids are `cl100k_base` ids (what LangChain's
/// `OpenAIEmbeddings` sends by default) and are turned back into text with that
/// vocabulary, so the server's own model embeds the same text the client had.
struct OpenAIEmbeddingRequest {
    /// At most this many inputs per request, as OpenAI.
    static let maxInputs = 2048

    var inputs: [String]
    var base64: Bool

    init(_ body: JSONValue, embedder: any Embedder, vocabulary: () throws -> BPEVocabulary) throws {
        let input = try JSONInput(body)
        let texts: [String]
        switch input.value["input"] {
        case let .string(s)?: texts = [s]
        case let .array(items)? where !items.isEmpty && items.count <= Self.maxInputs:
            if items.allSatisfy({ $0.intValue != nil }) {
                texts = [try Self.text(Self.ids(items, path: "$.input"), vocabulary(), path: "$.input")]
            } else {
                texts = try items.enumerated().map { i, v in
                    switch v {
                    case let .string(s): return s
                    case let .array(ids) where !ids.isEmpty: return try Self.text(Self.ids(ids, path: "$.input[\(i)]"), vocabulary(), path: "$.input[\(i)]")
                    default: throw APIError.badRequest("$.input[\(i)]: a string or a non-empty array of token ids", field: "$.input[\(i)]")
                    }
                }
            }
        default:
            throw APIError.badRequest("$.input: a string, an array of 1 to \(Self.maxInputs) strings, or token-id arrays", field: "$.input")
        }
        if let dimensions = try input.int("dimensions"), dimensions != embedder.dimension {
            throw APIError.badRequest("$.dimensions: \(embedder.modelName) makes \(embedder.dimension)-dimensional vectors and cannot shorten them; leave it out or send \(embedder.dimension)",
                                      field: "$.dimensions")
        }
        switch try input.string("encoding_format") {
        case nil, "float"?: base64 = false
        case "base64"?: base64 = true
        default: throw APIError.badRequest("$.encoding_format: float or base64", field: "$.encoding_format")
        }
        inputs = texts
    }

    private static func text(_ ids: [Int], _ vocabulary: BPEVocabulary, path: String) throws -> String {
        do { return try vocabulary.text(ids) } catch { throw APIError.badRequest("\(path): \(error) (token ids are cl100k_base ids)", field: path) }
    }

    private static func ids(_ items: [JSONValue], path: String) throws -> [Int] {
        try items.enumerated().map { i, v in
            guard let id = v.intValue, id >= 0 else { throw APIError.badRequest("\(path)[\(i)]: a token id (a non-negative integer)", field: "\(path)[\(i)]") }
            return id
        }
    }

    /// A vector as JSON numbers, or as base64 of its little-endian float32 bytes.
    func encode(_ vector: [Float]) -> JSONValue {
        guard base64 else { return .array(vector.map { .double(Double($0)) }) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for v in vector { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        return .string(Data(bytes).base64EncodedString())
    }
}
