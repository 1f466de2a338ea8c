import TroveEmbed

/// Counts tokens of text: for context budgets, chunk sizes, and usage when a provider
/// reports none.
public protocol TokenCounter: Sendable {
    func count(_ text: String) -> Int
}

/// Counts WordPiece tokens with a BERT vocabulary (the native embedder's): no truncation,
/// no [CLS]/[SEP]. Close to, not equal to, what a chat model's own tokenizer counts.
public struct WordPieceTokenCounter: TokenCounter {
    public let tokenizer: WordPieceTokenizer

    public init(_ tokenizer: WordPieceTokenizer) { self.tokenizer = tokenizer }

    public func count(_ text: String) -> Int { tokenizer.count(text) }
}

/// An estimate when no vocabulary is at hand: about four bytes of English per token, and
/// never fewer tokens than words and punctuation marks.
public struct EstimatingTokenCounter: TokenCounter {
    public init() {}

    public func count(_ text: String) -> Int {
        var words = 0, punctuation = 0, inWord = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if !inWord { words += 1 }
                inWord = true
            } else {
                inWord = false
                if !scalar.properties.isWhitespace { punctuation += 1 }
            }
        }
        return max(words + punctuation, (text.utf8.count + 3) / 4)
    }
}
