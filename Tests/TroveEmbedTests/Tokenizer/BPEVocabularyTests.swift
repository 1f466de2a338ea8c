import Foundation
import Testing
import TroveEmbed
import TroveTestSupport

@Suite struct BPEVocabularyTests {
    private func write(_ lines: String) throws -> (TempDirectory, String) {
        let dir = TempDirectory()
        try lines.write(toFile: dir.sub("v.tiktoken"), atomically: true, encoding: .utf8)
        return (dir, dir.sub("v.tiktoken"))
    }

    @Test func idsDecodeToTheirBytes() throws {
        // "he" = aGU=, "llo" = bGxv, " é" split over two tokens: 0x20 0xC3 | 0xA9.
        let (dir, path) = try write("aGU= 0\nbGxv 1\nIMM= 2\nqQ== 3\n")
        _ = dir
        let v = try BPEVocabulary(contentsOf: path, special: [10: "<|end|>"])
        #expect(v.count == 4)
        #expect(try v.text([0, 1, 2, 3]) == "hello é")
        #expect(try v.text([0, 10]) == "he<|end|>")
        #expect(try v.text([2]) == " \u{FFFD}", "a character cut in half is U+FFFD, as tiktoken decodes it")
        #expect(throws: BPEVocabulary.Failure.unknownToken(7)) { try v.text([0, 7]) }
        #expect(throws: BPEVocabulary.Failure.unknownToken(-1)) { try v.text([-1]) }
    }

    @Test func aMalformedLineIsNamed() throws {
        let (dir, path) = try write("aGU= 0\nnot-base64!! x\n")
        _ = dir
        #expect(throws: BPEVocabulary.Failure.malformedFile(path: path, line: 2)) { try BPEVocabulary(contentsOf: path) }
    }

    /// The real cl100k_base file that scripts/install-model.sh installs (scripts/test.sh
    /// runs it), read through the catalog as the server finds it.
    @Test func theInstalledCl100kVocabularyDecodesOpenAIsIDs() throws {
        let url = try #require(ModelCatalog().file(BPEVocabulary.cl100kFileName), "run scripts/install-model.sh")
        let v = try BPEVocabulary(contentsOf: url.path)
        #expect(v.count == 100_256)
        #expect(try v.text([15339, 1917]) == "hello world")
        #expect(try v.text([100_257]) == "<|endoftext|>")
    }
}
