import Foundation
import Testing
import TroveTestSupport
import TroveStorage
@testable import TroveText

/// The segment a builder writes (texts analysed in batches of 8,192 on every core, each
/// distinct word normalised once, ASCII words passed as slices of the text) holds exactly
/// the postings and positions that analysing each document word by word gives, on text
/// nobody here wrote: the copyright files and changelogs of this machine's packages.
@Suite(.ownThread) struct TextAnalysisBatchTests {
    /// Paragraphs of /usr/share/doc, plus capitals, apostrophes, accents and CJK, to more
    /// than one batch.
    static func paragraphs(count: Int) -> [String] {
        var out = ["Don't STOP o'Neill's ROCK'n'roll", "Café naïve ÉCOLE 東京タワー", "a''b 'quoted' it's", "MiXeD CaSe 42nd 3D", ""]
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/share/doc")) ?? []
        for package in docs.sorted() where out.count < count {
            guard let text = try? String(contentsOfFile: "/usr/share/doc/\(package)/copyright", encoding: .utf8) else { continue }
            out += text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        }
        var i = 0
        while out.count < count {
            out.append(out[i] + " " + String(i))
            i += 1
        }
        return Array(out.prefix(count))
    }

    /// The tokenizer's rules as the issue states them, one character at a time: runs of
    /// letters and digits, lowercased, an apostrophe kept between two of them.
    static func referenceWords(_ text: String) -> [String]? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var words: [String] = [], word = "", apostrophe = false
        for c in text {
            if c.isLetter || c.isNumber {
                if apostrophe { word.append("'") }
                apostrophe = false
                word.append(Character(c.lowercased()))
            } else if c == "'", !word.isEmpty, !apostrophe {
                apostrophe = true
            } else {
                apostrophe = false
                if !word.isEmpty { words.append(word) }
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    @Test func batchedInversionMatchesWordByWordAnalysis() throws {
        let texts = Self.paragraphs(count: 9_000)
        #expect(texts.count == 9_000)
        let schema = TextSchema(text: [TextFieldSpec(field: "body", analyzer: .english, positions: true)])
        let builder = TextSectionBuilder(schema: schema, lanes: 2)
        for (i, t) in texts.enumerated() {
            try builder.add(ordinal: i, document: Document(id: "d\(i)", fields: t.isEmpty ? [] : [Field("body", .string(t))]))
        }
        let sections = MemorySections(docCount: texts.count, path: "test", sections: try builder.finish())
        let index = try #require(try TextSegmentIndex.open(sections, slot: 0))

        // Expected: term → doc → positions, from the analyser word by word.
        var expected: [String: [Int: [Int]]] = [:]
        var tokens = 0
        for (doc, text) in texts.enumerated() {
            if let words = Self.referenceWords(text) {
                #expect(words == Analyzer.standard.terms(text), "\(text.prefix(80))")
            }
            for token in Analyzer.english.tokens(text) {
                expected[token.term, default: [:]][doc, default: []].append(token.position)
                tokens += 1
            }
        }
        #expect(index.totalTokens == tokens)
        #expect(index.dictionary.termCount == expected.count)
        #expect(index.docsWithField == texts.filter { !$0.isEmpty }.count)
        var rng = SplitMix64(state: 11)
        let terms = expected.keys.sorted()
        for _ in 0..<1_500 {
            let term = terms[Int(rng.next() % UInt64(terms.count))]
            let info = try #require(try index.dictionary.lookup(Array(term.utf8)), "\(term)")
            #expect(info.df == expected[term]?.count)
            #expect(try index.positions(info) == expected[term], "\(term)")
        }
    }
}
