import Foundation
import Testing
@testable import TroveEmbed

@Suite struct WordPieceTokenizerTests {
    @Test func idsEqualTheReferenceTokenizerOnEveryFixtureSentence() throws {
        let cases = try ReferenceFixtures.lines("tokenizer-cases", as: ReferenceFixtures.TokenizerCase.self)
        #expect(cases.count >= 300)
        let vocabulary = try ReferenceFixtures.modelDirectory().appendingPathComponent("vocab.txt")
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabulary, maxLength: 256)
        var mismatches: [String] = []
        for c in cases where tokenizer.encode(c.text) != c.ids {
            mismatches.append("\(c.text.debugDescription.prefix(80)): got \(tokenizer.encode(c.text).prefix(20)), want \(c.ids.prefix(20))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(10).joined(separator: "\n"))")
        // The fixture does exercise truncation, [UNK] and CJK splitting.
        #expect(cases.contains { $0.ids.count == 256 })
        #expect(cases.contains { $0.ids.contains(tokenizer.unknownID) })
    }

    @Test func basicTokenizationRules() {
        let pre = BertPreTokenizer()
        #expect(pre.words("Héllo,  WORLD!") == ["hello", ",", "world", "!"])
        #expect(pre.words("中文abc") == ["中", "文", "abc"])
        #expect(pre.words("a\u{200B}b\u{0000}c\tD") == ["abc", "d"])
        #expect(pre.words("$5^2") == ["$", "5", "^", "2"])
        #expect(BertPreTokenizer(lowercase: false).words("Héllo") == ["Héllo"])
    }

    @Test func greedyLongestMatchWithContinuationPieces() throws {
        let tokenizer = try WordPieceTokenizer(
            tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "aff", "able", "##a"], maxLength: 8)
        #expect(tokenizer.pieces("unaffable") == ["un", "##aff", "##able"])
        #expect(tokenizer.encode("unaffable") == [2, 4, 5, 6, 3])
        // One uncovered piece makes the whole word unknown.
        #expect(tokenizer.encode("unaffablex") == [2, 1, 3])
        // Truncation keeps [CLS] and [SEP] within maxLength.
        #expect(tokenizer.encode("able able able able able able able able") == [2, 8, 8, 8, 8, 8, 8, 3])
        #expect(tokenizer.count("unaffable able") == 4)
    }

    @Test func aVocabularyWithoutSpecialTokensIsATypedError() throws {
        #expect(throws: EmbedderError.vocabularyIncomplete(missing: "[UNK]")) {
            try WordPieceTokenizer(tokens: ["a", "b"], maxLength: 8)
        }
    }
}
