import Foundation
import Testing
@testable import TroveText

@Suite struct EnglishStemmerTests {
    /// fixtures/stemmer/english.tsv, found from this file's path
    /// (Tests/TroveTextTests/EnglishStemmerTests.swift → repository root).
    static let fixtureURL: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("fixtures/stemmer/english.tsv")

    /// Every word/stem pair Snowball's own English stemmer gives
    /// (snowballstemmer 3.1.1, see scripts/make-stemmer-fixture.py); all
    /// mismatches reported in one failure.
    @Test func matchesSnowballReferenceTable() throws {
        let text = try String(contentsOf: Self.fixtureURL, encoding: .utf8)
        var pairs = 0
        var mismatches: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                Issue.record("english.tsv line \(index + 1): expected word<TAB>stem, got \"\(line)\"")
                continue
            }
            let word = String(fields[0])
            let expected = String(fields[1])
            pairs += 1
            let got = EnglishStemmer.stem(word)
            if got != expected {
                mismatches.append("\(word): expected \(expected), got \(got)")
            }
            var bytes = Array(word.utf8)
            EnglishStemmer.stem(ascii: &bytes)
            let gotBytes = String(decoding: bytes, as: UTF8.self)
            if gotBytes != expected {
                mismatches.append("\(word) (stem(ascii:)): expected \(expected), got \(gotBytes)")
            }
        }
        #expect(pairs >= 2_000, "the fixture should hold about 3,000 pairs, found \(pairs)")
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) mismatches of \(pairs) pairs:\n\(mismatches.joined(separator: "\n"))"
        )
    }

    @Test func exceptionalForms() {
        let cases: [(String, String)] = [
            ("skis", "ski"), ("skies", "sky"), ("dying", "die"), ("lying", "lie"),
            ("tying", "tie"), ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"),
            ("early", "earli"), ("only", "onli"), ("singly", "singl"),
            ("sky", "sky"), ("news", "news"), ("howe", "howe"), ("atlas", "atlas"),
            ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"),
            ("inning", "inning"), ("outing", "outing"), ("canning", "canning"),
            ("herring", "herring"), ("earring", "earring"), ("evening", "evening"),
            ("proceed", "proceed"), ("exceed", "exceed"), ("succeed", "succeed"),
        ]
        for (word, stem) in cases {
            #expect(EnglishStemmer.stem(word) == stem, "\(word)")
        }
    }

    @Test func shortWordsAreUnchanged() {
        for word in ["", "a", "s", "is", "as", "us", "by", "'s", "ys"] {
            #expect(EnglishStemmer.stem(word) == word, "\(word)")
        }
    }

    @Test func regionsAndCommonRules() {
        let cases: [(String, String)] = [
            ("generous", "generous"), ("generously", "generous"), ("generate", "generat"),
            ("communication", "communic"), ("arsenal", "arsenal"),
            ("hopping", "hop"), ("hopped", "hop"), ("hoping", "hope"),
            ("agreed", "agre"), ("feed", "feed"), ("cry", "cri"), ("cries", "cri"),
            ("crying", "cri"), ("say", "say"), ("sayings", "say"), ("ties", "tie"),
            ("consign", "consign"), ("consigned", "consign"), ("consigning", "consign"),
            ("consignment", "consign"), ("knightly", "knight"), ("cat's", "cat"),
            ("dogs'", "dog"), ("'tis", "tis"), ("running", "run"), ("fairly", "fair"),
        ]
        for (word, stem) in cases {
            #expect(EnglishStemmer.stem(word) == stem, "\(word)")
        }
    }

    @Test func nonASCIIWordsAreUnchanged() {
        for word in ["cafés", "naïvely", "résumés", "日本語"] {
            #expect(EnglishStemmer.stem(word) == word, "\(word)")
        }
        var bytes = Array("cafés".utf8)
        EnglishStemmer.stem(ascii: &bytes)
        #expect(bytes == Array("cafés".utf8))
    }
}
