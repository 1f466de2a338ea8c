import Foundation

/// A byte-pair-encoding vocabulary in tiktoken's file format (one `base64-bytes rank` line
/// per token), used the other way round: token ids back to text. OpenAI's clients may
/// send embedding input as `cl100k_base` token ids (LangChain's `OpenAIEmbeddings` does
/// by default); the server turns them back into the text they encode and embeds that
/// with its own model. Encoding is not needed, so the merge rules are not kept.
public struct BPEVocabulary: Sendable {
    /// The file name `scripts/install-model.sh` installs beside the models.
    public static let cl100kFileName = "cl100k_base.tiktoken"
    /// cl100k_base's special tokens: they follow the 100,256 byte-pair tokens.
    public static let cl100kSpecial: [Int: String] = [
        100_257: "<|endoftext|>", 100_258: "<|fim_prefix|>", 100_259: "<|fim_middle|>", 100_260: "<|fim_suffix|>", 100_276: "<|endofprompt|>",
    ]

    /// The bytes of each token, indexed by id.
    private let tokens: [[UInt8]?]
    private let special: [Int: String]

    /// Why token ids could not be read.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformedFile(path: String, line: Int)
        case unknownToken(Int)

        public var description: String {
            switch self {
            case let .malformedFile(path, line): return "\(path) line \(line) is not `base64 rank`"
            case let .unknownToken(id): return "token id \(id) is not in the vocabulary"
            }
        }
    }

    /// Reads a `.tiktoken` file; `special` are the ids past the file's tokens.
    public init(contentsOf path: String, special: [Int: String] = BPEVocabulary.cl100kSpecial) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var tokens: [[UInt8]?] = []
        tokens.reserveCapacity(100_300)
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let rank = Int(parts[1]), rank >= 0, rank < 10_000_000,
                  let bytes = Data(base64Encoded: String(parts[0])) else { throw Failure.malformedFile(path: path, line: number + 1) }
            if rank >= tokens.count { tokens += [[UInt8]?](repeating: nil, count: rank - tokens.count + 1) }
            tokens[rank] = Array(bytes)
        }
        self.tokens = tokens
        self.special = special
    }

    /// How many ids the file defines.
    public var count: Int { tokens.count }

    /// The text `ids` encode. Bytes that are not valid UTF-8 on their own (a token list
    /// cut inside a character) become U+FFFD, as tiktoken's `decode` does.
    public func text(_ ids: [Int]) throws(Failure) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if id >= 0, id < tokens.count, let token = tokens[id] {
                bytes += token
            } else if let s = special[id] {
                bytes += Array(s.utf8)
            } else {
                throw .unknownToken(id)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
