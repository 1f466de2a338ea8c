import Foundation

/// BERT's WordPiece tokenizer: basic tokenization into words, then each word split greedily
/// into the longest vocabulary pieces, continuation pieces marked `##`. A word with a part
/// that no piece covers, or longer than 100 characters, becomes `[UNK]` whole.
public struct WordPieceTokenizer: Sendable {
    public let preTokenizer: BertPreTokenizer
    /// Sequences are cut to this many ids, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    /// The number of entries in the vocabulary (the embedding table's row count).
    public let vocabularySize: Int
    private let ids: [String: Int32]
    /// Token strings by id, for `pieces`.
    private let tokens: [String]
    private static let maxCharactersPerWord = 100

    /// A tokenizer over `tokens`, where a token's id is its index.
    public init(tokens: [String], maxLength: Int, lowercase: Bool = true) throws {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() where ids[token] == nil {
            ids[token] = Int32(index)
        }
        func special(_ name: String) throws -> Int32 {
            guard let id = ids[name] else { throw EmbedderError.vocabularyIncomplete(missing: name) }
            return id
        }
        self.ids = ids
        self.tokens = tokens
        self.vocabularySize = tokens.count
        self.unknownID = try special("[UNK]")
        self.classifierID = try special("[CLS]")
        self.separatorID = try special("[SEP]")
        self.maxLength = max(2, maxLength)
        self.preTokenizer = BertPreTokenizer(lowercase: lowercase)
    }

    /// Reads a `vocab.txt`: one token per line, the line number being its id.
    public init(vocabularyFile: URL, maxLength: Int, lowercase: Bool = true) throws {
        let data: Data
        do { data = try Data(contentsOf: vocabularyFile) } catch {
            throw EmbedderError.modelFile(path: vocabularyFile.path, problem: "cannot be read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EmbedderError.modelFile(path: vocabularyFile.path, problem: "is not UTF-8 text")
        }
        var tokens = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if tokens.last == "" { tokens.removeLast() }
        do {
            try self.init(tokens: tokens, maxLength: maxLength, lowercase: lowercase)
        } catch EmbedderError.vocabularyIncomplete(let missing) {
            throw EmbedderError.modelFile(path: vocabularyFile.path, problem: "has no \(missing) token")
        }
    }

    /// The ids of `text`: `[CLS]`, its pieces cut to fit `maxLength`, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var out: [Int32] = [classifierID]
        let budget = maxLength - 2
        for word in preTokenizer.words(text) {
            appendPieces(of: word, to: &out)
            if out.count - 1 >= budget { break }
        }
        if out.count - 1 > budget { out.removeLast(out.count - 1 - budget) }
        out.append(separatorID)
        return out
    }

    /// The number of pieces in `text`, without special tokens or truncation.
    public func count(_ text: String) -> Int {
        var out: [Int32] = []
        for word in preTokenizer.words(text) { appendPieces(of: word, to: &out) }
        return out.count
    }

    /// The pieces of `text` as vocabulary strings, without special tokens or truncation.
    public func pieces(_ text: String) -> [String] {
        var out: [Int32] = []
        for word in preTokenizer.words(text) { appendPieces(of: word, to: &out) }
        return out.map { tokens[Int($0)] }
    }

    /// Greedy longest-match-first split of one word.
    private func appendPieces(of word: String, to out: inout [Int32]) {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > Self.maxCharactersPerWord {
            out.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while start < end {
                var candidate = start > 0 ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: scalars[start..<end])
                if let id = ids[candidate] { found = id; break }
                end -= 1
            }
            guard let id = found else {
                out.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        out.append(contentsOf: pieces)
    }
}
