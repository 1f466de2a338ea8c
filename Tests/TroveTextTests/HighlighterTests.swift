import Testing
@testable import TroveText

/// Snippets: which words are marked, which fragment is chosen, how long it may be.
@Suite struct HighlighterTests {
    static func highlighter(_ query: String, analyzer: Analyzer = .english) throws -> Highlighter {
        Highlighter(query: try QueryParser.parse(query), field: "text", defaultField: "text", analyzer: analyzer)
    }

    @Test func marksWordsThatAnalyseToAQueryTerm() throws {
        let h = try Self.highlighter("runs garden")
        #expect(h.snippet("She was running through the Gardens at dawn.") == "She was <em>running</em> through the <em>Gardens</em> at dawn.")
        #expect(h.snippet("Nothing here matches.") == nil)
        // Excluded clauses mark nothing; prefixes mark every word they start.
        #expect(try Self.highlighter("garden -dawn").snippet("garden at dawn") == "<em>garden</em> at dawn")
        #expect(try Self.highlighter("gard*").snippet("a guarded garden") == "a guarded <em>garden</em>")
    }

    @Test func picksTheWindowWithTheMostDistinctTermsWithinTheLength() throws {
        let filler = Array(repeating: "word", count: 40).joined(separator: " ")
        let text = "otter alone. \(filler) otter and kettle together. \(filler)"
        let snippet = try #require(try Self.highlighter("otter kettle").snippet(text, options: SnippetOptions(maxLength: 60)))
        #expect(snippet.contains("<em>otter</em> and <em>kettle</em>"))
        #expect(snippet.hasPrefix("…") && snippet.hasSuffix("…"))
        let plain = snippet.replacingOccurrences(of: "<em>", with: "").replacingOccurrences(of: "</em>", with: "").replacingOccurrences(of: "…", with: "")
        #expect(plain.unicodeScalars.count <= 60)
    }

    @Test func splitsWordsAsTheTokenizerDoes() throws {
        let words = Highlighter.words("Don't stop: café 東京 x2 — l’été")
        let text = "Don't stop: café 東京 x2 — l’été"
        #expect(words.map { String(text[$0.range]) } == ["Don't", "stop", "café", "東", "京", "x2", "l’été"])
        #expect(words.map(\.start) == [0, 6, 12, 17, 18, 20, 25])
        #expect(try Self.highlighter("cafe", analyzer: .standard).snippet(text) == "Don't stop: <em>café</em> 東京 x2 — l’été")
    }
}
