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
    let prefixes: [String]

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
            case let .boolean(must, should, _): (must + should).forEach(visit)
            default: break
            }
        }
        visit(query)
        self.terms = terms
        self.prefixes = prefixes
    }

    /// The best fragment of `text`, or nil when no word of it matches.
    public func snippet(_ text: String, options: SnippetOptions = SnippetOptions()) -> String? {
        let words = Self.words(text)
        let hits = words.map { matchedTerm(text[$0]) }
        guard hits.contains(where: { $0 != nil }) else { return nil }
        let (start, end) = bestWindow(words, hits: hits, text: text, maxLength: max(1, options.maxLength))
        var out = words[start].lowerBound > text.startIndex ? "…" : ""
        var cursor = words[start].lowerBound
        for i in start..<end where hits[i] != nil {
            out += text[cursor..<words[i].lowerBound] + options.preTag + text[words[i]] + options.postTag
            cursor = words[i].upperBound
        }
        out += text[cursor..<words[end - 1].upperBound]
        if words[end - 1].upperBound < text.endIndex { out += "…" }
        return out
    }

    private func matchedTerm(_ word: Substring) -> String? {
        let analysed = analyzer.terms(String(word))
        if let t = analysed.first(where: terms.contains) { return t }
        guard !prefixes.isEmpty, let plain = Analyzer.standard.terms(String(word)).first else { return nil }
        return prefixes.first { plain.hasPrefix($0) }
    }

    /// The words [start, end) of the window that holds the most distinct matched terms
    /// within `maxLength` characters.
    private func bestWindow(_ words: [Range<String.Index>], hits: [String?], text: String, maxLength: Int) -> (Int, Int) {
        var best = (start: 0, end: 1, distinct: -1, total: -1)
        for start in words.indices where hits[start] != nil || start == 0 {
            var end = start + 1, seen = Set<String>(), total = 0
            if let h = hits[start] { seen.insert(h); total = 1 }
            while end < words.count, text.distance(from: words[start].lowerBound, to: words[end].upperBound) <= maxLength {
                if let h = hits[end] { seen.insert(h); total += 1 }
                end += 1
            }
            if seen.count > best.distinct || (seen.count == best.distinct && total > best.total) {
                best = (start, end, seen.count, total)
            }
        }
        // Lead in with a little context before the first match when the window has room.
        var (start, end) = (best.start, best.end)
        while start > 0, text.distance(from: words[start - 1].lowerBound, to: words[end - 1].upperBound) <= maxLength,
              best.start - start < 3 { start -= 1 }
        while end < words.count, text.distance(from: words[start].lowerBound, to: words[end].upperBound) <= maxLength { end += 1 }
        return (start, end)
    }

    /// Word ranges: runs of letters and digits (an apostrophe between letters stays
    /// inside), each CJK character a word of its own, as the tokenizer splits them.
    static func words(_ text: String) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        var start: String.Index?
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let s = scalars[i], next = scalars.index(after: i)
            let wordChar = s.properties.isAlphabetic || s.properties.numericType != nil
            let apostrophe = (s == "'" || s == "\u{2019}") && start != nil && next < scalars.endIndex && scalars[next].properties.isAlphabetic
            if Tokenizer.isCJK(s.value) {
                if let b = start { out.append(b..<i); start = nil }
                out.append(i..<next)
            } else if wordChar || apostrophe {
                if start == nil { start = i }
            } else if let b = start {
                out.append(b..<i)
                start = nil
            }
            i = next
        }
        if let b = start { out.append(b..<scalars.endIndex) }
        return out
    }
}
