/// How snippets look.
public struct SnippetOptions: Sendable, Equatable {
    /// Longest fragment, in characters (words are never cut).
    public var maxLength = 160
    /// Put around each matching word. The text between is not escaped: escape it where
    /// the snippet is shown as HTML.
    public var preTag = "<em>"
    public var postTag = "</em>"

    public init(maxLength: Int = 160, preTag: String = "<em>", postTag: String = "</em>") {
        self.maxLength = maxLength
        self.preTag = preTag
        self.postTag = postTag
    }
}

/// Picks the fragment of a stored text that best matches a query and marks the words
/// that match: each word is analysed as the field is, so "running" is marked for a
/// query "runs" in an English field. The window with the most distinct query terms wins
/// (then the most matches, then the earliest).
public struct Highlighter: Sendable {
    let analyzer: Analyzer
    let terms: Set<String>
    /// The terms as UTF-8, compared with each analysed word without making a String.
    let termBytes: [(term: String, bytes: [UInt8])]
    let prefixes: [String]

    /// A word of the text: where it is, and its start and end in Unicode scalars
    /// (what fragment lengths are measured in, without walking the text again).
    struct Word {
        let range: Range<String.Index>
        let start: Int
        let end: Int
    }

    /// Collects the terms of `query` that search `field` (clauses without a field search
    /// `defaultField`); excluded clauses mark nothing.
    public init(query: TextQuery, field: String, defaultField: String, analyzer: Analyzer) {
        self.analyzer = analyzer
        var terms = Set<String>(), prefixes: [String] = []
        func visit(_ q: TextQuery) {
            switch q {
            case let .term(w, f, _) where (f ?? defaultField) == field: terms.formUnion(analyzer.terms(w))
            case let .phrase(ws, f, _) where (f ?? defaultField) == field: for w in ws { terms.formUnion(analyzer.terms(w)) }
            case let .prefix(p, f, _) where (f ?? defaultField) == field: prefixes += Analyzer.standard.terms(p)
            case let .match(t, f, _) where (f ?? defaultField) == field: terms.formUnion(analyzer.terms(t))
            case let .boolean(must, should, _): (must + should).forEach(visit)
            default: break
            }
        }
        visit(query)
        self.terms = terms
        termBytes = terms.sorted().map { ($0, Array($0.utf8)) }
        self.prefixes = prefixes
    }

    /// The best fragment of `text`, or nil when no word of it matches.
    public func snippet(_ text: String, options: SnippetOptions = SnippetOptions()) -> String? {
        let words = Self.words(text)
        let hits = words.map { matchedTerm(text[$0.range]) }
        guard hits.contains(where: { $0 != nil }) else { return nil }
        let (start, end) = bestWindow(words, hits: hits, maxLength: max(1, options.maxLength))
        var out = words[start].range.lowerBound > text.startIndex ? "…" : ""
        var cursor = words[start].range.lowerBound
        for i in start..<end where hits[i] != nil {
            out += text[cursor..<words[i].range.lowerBound] + options.preTag + text[words[i].range] + options.postTag
            cursor = words[i].range.upperBound
        }
        // After the last word only punctuation may follow: keep it rather than an ellipsis.
        if end == words.count {
            out += text[cursor...]
        } else {
            out += text[cursor..<words[end - 1].range.upperBound] + "…"
        }
        return out
    }

    private func matchedTerm(_ word: Substring) -> String? {
        var found: String?
        analyzer.forEachTerm(String(word)) { term, _ in
            guard found == nil else { return }
            found = termBytes.first { $0.bytes.elementsEqual(term) }?.term
        }
        if let found { return found }
        guard !prefixes.isEmpty, let plain = Analyzer.standard.terms(String(word)).first else { return nil }
        return prefixes.first { plain.hasPrefix($0) }
    }

    /// The words [start, end) of the window that holds the most distinct matched terms
    /// within `maxLength` scalars.
    private func bestWindow(_ words: [Word], hits: [String?], maxLength: Int) -> (Int, Int) {
        var best = (start: 0, end: 1, distinct: -1, total: -1)
        for start in words.indices where hits[start] != nil || start == 0 {
            var end = start + 1, seen = Set<String>(), total = 0
            if let h = hits[start] { seen.insert(h); total = 1 }
            while end < words.count, words[end].end - words[start].start <= maxLength {
                if let h = hits[end] { seen.insert(h); total += 1 }
                end += 1
            }
            if seen.count > best.distinct || (seen.count == best.distinct && total > best.total) {
                best = (start, end, seen.count, total)
            }
        }
        // Lead in with a little context before the first match when the window has room.
        var (start, end) = (best.start, best.end)
        while start > 0, words[end - 1].end - words[start - 1].start <= maxLength, best.start - start < 3 { start -= 1 }
        while end < words.count, words[end].end - words[start].start <= maxLength { end += 1 }
        return (start, end)
    }

    /// Word ranges: runs of letters and digits (an apostrophe between letters stays
    /// inside), each CJK character a word of its own, as the tokenizer splits them.
    static func words(_ text: String) -> [Word] {
        var out: [Word] = []
        var start: (index: String.Index, offset: Int)?
        let scalars = text.unicodeScalars
        var i = scalars.startIndex, offset = 0
        while i < scalars.endIndex {
            let s = scalars[i], next = scalars.index(after: i)
            let wordChar = isWordScalar(s)
            let apostrophe = (s == "'" || s == "\u{2019}") && start != nil && next < scalars.endIndex && isLetter(scalars[next])
            if s.value >= 0x80, Tokenizer.isCJK(s.value) {
                if let b = start { out.append(Word(range: b.index..<i, start: b.offset, end: offset)); start = nil }
                out.append(Word(range: i..<next, start: offset, end: offset + 1))
            } else if wordChar || apostrophe {
                if start == nil { start = (i, offset) }
            } else if let b = start {
                out.append(Word(range: b.index..<i, start: b.offset, end: offset))
                start = nil
            }
            i = next
            offset += 1
        }
        if let b = start { out.append(Word(range: b.index..<scalars.endIndex, start: b.offset, end: offset)) }
        return out
    }

    /// Letters and digits; ASCII decided without a Unicode property lookup.
    @inline(__always)
    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return isLetter(s) || (s.value >= 0x30 && s.value <= 0x39) }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    @inline(__always)
    private static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return (s.value | 0x20) >= 0x61 && (s.value | 0x20) <= 0x7A }
        return s.properties.isAlphabetic
    }
}
