import Foundation

/// A token of analysed text: the term as indexed and its position (0-based, counting
/// every word, so phrase distances survive stopword removal).
public struct Token: Sendable, Equatable {
    public var term: String
    public var position: Int

    public init(term: String, position: Int) {
        self.term = term
        self.position = position
    }
}

/// The analyser chains fields are indexed and queried with.
public enum Analyzer: String, Sendable, CaseIterable, Codable {
    /// Word split (Unicode, fast path for ASCII), lowercase, accent folding.
    case standard
    /// `standard`, then English stopwords removed and Porter2 stemming.
    case english
    /// The whole value as one term, unchanged (ids, tags).
    case keyword

    /// The tokens of `text`.
    public func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        forEachTerm(text) { term, position in out.append(Token(term: String(decoding: term, as: UTF8.self), position: position)) }
        return out
    }

    /// Just the terms (queries, statistics).
    public func terms(_ text: String) -> [String] { tokens(text).map(\.term) }

    /// Calls `body` with each term's UTF-8 bytes (valid only during the call) and its
    /// position: the indexing path, which never makes a String per token.
    func forEachTerm(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        if self == .keyword {
            guard !text.isEmpty else { return }
            var copy = text
            copy.withUTF8 { body($0, 0) }
            return
        }
        Tokenizer.words(text) { word, position in
            if normalize(&word) { word.withUnsafeBufferPointer { body($0, position) } }
        }
    }

    /// Turns a word from `Tokenizer.words` into its term in place (stemming, for
    /// `english`); false when the word is not indexed (an English stopword). Depends on
    /// the word alone, so callers may cache it per distinct word.
    func normalize(_ word: inout [UInt8]) -> Bool {
        guard self == .english else { return true }
        if EnglishStopwords.contains(word) { return false }
        EnglishStemmer.stem(ascii: &word)
        return true
    }
}

/// Receives the words of `Tokenizer.forEachWord`. The indexing loop keeps its state in
/// a sink's fields rather than in variables captured by a closure: Swift boxes those and
/// checks every access for exclusivity at run time, on every word.
protocol WordSink {
    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int)
}

/// Splits text into lowercase, accent-folded words: maximal runs of letters and digits
/// (an apostrophe between letters stays inside the word: "don't", "o'neill").
enum Tokenizer {
    /// Calls `body` with each word's lowercase UTF-8 bytes (a scratch buffer it may
    /// change) and position.
    static func words(_ text: String, _ body: (inout [UInt8], Int) -> Void) {
        var text = text
        let ascii: Bool = text.withUTF8 { u in !u.contains { $0 >= 0x80 } }
        guard ascii else { return unicodeWords(text, body) }
        withoutActuallyEscaping(body) { body in
            var sink = CopyingSink(body: body)
            text.withUTF8 { asciiWords($0, into: &sink) }
        }
    }

    /// Hands each word to `words`' caller in a scratch array it may change.
    private struct CopyingSink: WordSink {
        let body: (inout [UInt8], Int) -> Void
        var scratch: [UInt8] = []

        mutating func word(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: bytes)
            body(&scratch, position)
        }
    }

    /// Passes `sink` each word's lowercase UTF-8 bytes, valid only during the call: for
    /// ASCII text, a slice of the text itself unless the word has capitals, so the
    /// indexing path copies nothing for most words.
    static func forEachWord<Sink: WordSink>(_ text: String, into sink: inout Sink) {
        var text = text
        let ascii: Bool = text.withUTF8 { u in !u.contains { $0 >= 0x80 } }
        guard ascii else {
            return unicodeWords(text) { word, position in word.withUnsafeBufferPointer { sink.word($0, at: position) } }
        }
        text.withUTF8 { asciiWords($0, into: &sink) }
    }

    /// The rules of `words` on any text, scalar by scalar.
    private static func unicodeWords(_ text: String, _ body: (inout [UInt8], Int) -> Void) {
        var position = 0
        var word: [UInt8] = []
        var nonASCII = false
        var pendingApostrophe = false
        func flush() {
            guard !word.isEmpty else { return }
            if nonASCII { word = Array(fold(String(decoding: word, as: UTF8.self)).utf8) }
            if !word.isEmpty {
                body(&word, position)
                position += 1
            }
            word.removeAll(keepingCapacity: true)
            nonASCII = false
        }
        // ASCII bytes are classified directly; other scalars through Unicode properties.
        var scalars = text.unicodeScalars.makeIterator()
        while let s = scalars.next() {
            let v = s.value
            if v < 0x80 {
                let b = UInt8(v)
                if (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) {
                    if pendingApostrophe { word.append(0x27); pendingApostrophe = false }
                    word.append(b)
                } else if b >= 0x41 && b <= 0x5A {
                    if pendingApostrophe { word.append(0x27); pendingApostrophe = false }
                    word.append(b + 32)
                } else if b == 0x27, !word.isEmpty, !pendingApostrophe {
                    pendingApostrophe = true
                } else {
                    pendingApostrophe = false
                    flush()
                }
            } else if s.properties.isAlphabetic || s.properties.numericType != nil || s.properties.isDiacritic {
                if pendingApostrophe { word.append(0x27); pendingApostrophe = false }
                for scalar in s.properties.lowercaseMapping.unicodeScalars { word.append(contentsOf: Array(String(scalar).utf8)) }
                nonASCII = true
                // Han, Hiragana, Katakana and Hangul have no spaces: each character is a word.
                if isCJK(v) { flush() }
            } else if v == 0x2019, !word.isEmpty {
                pendingApostrophe = true
            } else {
                pendingApostrophe = false
                flush()
            }
        }
        flush()
    }

    /// The same rules on pure ASCII text: a word is a run of letters and digits, joined
    /// across a single apostrophe followed by another, so it is a contiguous slice of the
    /// text; only a word with capitals is copied (into a scratch buffer) to lowercase it.
    private static func asciiWords<Sink: WordSink>(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        var scratch = [UInt8](repeating: 0, count: 64)
        var position = 0
        let n = bytes.count
        var i = 0
        while i < n {
            while i < n && !isASCIIWordByte(bytes[i]) { i += 1 }
            guard i < n else { break }
            let start = i
            var capitals = false
            while true {
                while i < n && isASCIIWordByte(bytes[i]) {
                    capitals = capitals || bytes[i] &- 0x41 < 26
                    i += 1
                }
                guard i + 1 < n, bytes[i] == 0x27, isASCIIWordByte(bytes[i + 1]) else { break }
                i += 1
            }
            let word = UnsafeBufferPointer(rebasing: bytes[start..<i])
            if capitals {
                if scratch.count < word.count { scratch = [UInt8](repeating: 0, count: word.count) }
                scratch.withUnsafeMutableBufferPointer { out in
                    for k in word.indices { out[k] = word[k] &- 0x41 < 26 ? word[k] + 32 : word[k] }
                    sink.word(UnsafeBufferPointer(rebasing: out[0..<word.count]), at: position)
                }
            } else {
                sink.word(word, at: position)
            }
            position += 1
        }
    }

    @inline(__always)
    private static func isASCIIWordByte(_ b: UInt8) -> Bool {
        b &- 0x61 < 26 || b &- 0x30 < 10 || b &- 0x41 < 26
    }

    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x3040...0x30FF).contains(v)
            || (0xAC00...0xD7AF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x2A6DF).contains(v)
    }

    /// Removes diacritics ("café" → "cafe", "naïve" → "naive"); letters without an ASCII
    /// base (ß, ø, Cyrillic, CJK) are kept as they are.
    static func fold(_ word: String) -> String {
        word.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
