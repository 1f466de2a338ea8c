import Testing
@testable import TroveChat

@Suite struct TextSplitterTests {
    /// Counts whitespace-separated words: additive, so chunk sizes are exact in tests.
    struct WordCounter: TokenCounter {
        func count(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }
    }

    /// Deterministic prose: paragraphs of 8 to 15 sentences of 4 to 12 words.
    static func prose(paragraphs: Int, seed: UInt64 = 7) -> String {
        let words = ["river", "stone", "lantern", "harbour", "meadow", "copper", "willow", "signal", "north",
                     "quiet", "market", "orchard", "ember", "tide", "valley", "thread", "window", "salt"]
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var result: [String] = []
        for _ in 0..<paragraphs {
            var sentences: [String] = []
            for _ in 0..<(8 + next(8)) {
                let sentence = (0..<(4 + next(9))).map { _ in words[next(words.count)] }.joined(separator: " ")
                let capital = String(sentence.prefix(1)).uppercased()
                let end = next(5) == 0 ? "!" : "."
                sentences.append(capital + String(sentence.dropFirst()) + end)
            }
            result.append(sentences.joined(separator: next(3) == 0 ? "\n" : " "))
        }
        return result.joined(separator: "\n\n")
    }

    /// The properties every split has: numbered in order, each chunk the trimmed slice of the
    /// input at its offsets, within the size, and together covering every non-space byte.
    static func checkInvariants(_ chunks: [TextChunk], of text: String, splitter: TextSplitter) {
        let bytes = Array(text.utf8)
        var covered = 0
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.number == index)
            #expect(chunk.start >= 0 && chunk.start < chunk.end && chunk.end <= bytes.count)
            guard chunk.start >= 0, chunk.start < chunk.end, chunk.end <= bytes.count else { return }
            #expect(String(decoding: bytes[chunk.start..<chunk.end], as: UTF8.self) == chunk.text, "chunk \(index)")
            #expect(!chunk.text.contains("\u{FFFD}"), "chunk \(index) cuts a UTF-8 sequence")
            #expect(chunk.text.first?.isWhitespace == false && chunk.text.last?.isWhitespace == false, "chunk \(index)")
            let tokens = splitter.counter.count(chunk.text)
            #expect(tokens <= splitter.chunkTokens, "chunk \(index) counts \(tokens) tokens: \(chunk.text.prefix(80))")
            if index > 0 {
                #expect(chunk.start > chunks[index - 1].start && chunk.end > chunks[index - 1].end)
            }
            if chunk.start > covered {
                let gap = bytes[covered..<chunk.start]
                #expect(gap.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }, "bytes \(covered)..<\(chunk.start) are in no chunk")
            }
            covered = max(covered, chunk.end)
        }
        #expect(bytes[covered...].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }, "the end is in no chunk")
    }

    @Test func longProseKeepsEveryInvariantAndOverlapsNeighbours() throws {
        let text = Self.prose(paragraphs: 60)
        let splitter = try TextSplitter(chunkTokens: 64, overlapTokens: 16, counter: EstimatingTokenCounter())
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
        let total = splitter.counter.count(text)
        #expect(chunks.count > total / 64)
        let bytes = Array(text.utf8)
        for index in chunks.indices.dropFirst() {
            let previous = chunks[index - 1], chunk = chunks[index]
            #expect(chunk.start < previous.end, "chunks \(index - 1) and \(index) do not overlap")
            if chunk.start < previous.end {
                let shared = String(decoding: bytes[chunk.start..<previous.end], as: UTF8.self)
                #expect(splitter.counter.count(shared) <= 16, "overlap \(shared.debugDescription) is too long")
            }
        }
    }

    @Test func chunksAreFilledUpToTheSizeWithAnAdditiveCounter() throws {
        // 40 sentences of exactly 5 words in one paragraph; 20-word chunks hold 4 sentences.
        let text = (1...40).map { "Sentence number \($0) has words." }.joined(separator: " ")
        let splitter = try TextSplitter(chunkTokens: 20, overlapTokens: 0, counter: WordCounter())
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
        #expect(chunks.count == 10)
        #expect(chunks.allSatisfy { WordCounter().count($0.text) == 20 })
        #expect(chunks.first?.text.hasPrefix("Sentence number 1 has") == true)
        #expect(chunks.last?.text.hasSuffix("number 40 has words.") == true)
    }

    @Test func overlapRepeatsWholeTrailingSentencesWhenTheyFit() throws {
        let text = (1...40).map { "Sentence number \($0) has words." }.joined(separator: " ")
        let splitter = try TextSplitter(chunkTokens: 20, overlapTokens: 6, counter: WordCounter())
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
        // Each chunk after the first begins with the last sentence of the one before.
        for index in chunks.indices.dropFirst() {
            let lastSentence = chunks[index - 1].text.split(separator: ".").last.map { $0.trimmingPrefixSpaces() } ?? ""
            #expect(chunks[index].text.hasPrefix(lastSentence), "chunk \(index): \(chunks[index].text)")
        }
    }

    @Test func paragraphsStayWholeWhenTheyFit() throws {
        let paragraphs = (1...30).map { "Paragraph \($0) opens here. It ends here." }
        let text = paragraphs.joined(separator: "\n\n")
        let splitter = try TextSplitter(chunkTokens: 32, overlapTokens: 0, counter: WordCounter())
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
        for chunk in chunks {
            for part in chunk.text.split(separator: "\n\n", omittingEmptySubsequences: false) {
                #expect(paragraphs.contains(String(part)), "\(part) is not a whole paragraph")
            }
        }
    }

    @Test func aWordLongerThanAChunkIsCutBetweenCharacters() throws {
        let text = "Before the word. " + String(repeating: "x", count: 10_000) + " After the word."
        let splitter = try TextSplitter(chunkTokens: 64, overlapTokens: 8)
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
        #expect(chunks.count >= 10_000 / (64 * 4))
        #expect(chunks.map(\.text).joined().filter { $0 == "x" }.count >= 10_000)

        // Two-byte characters: no cut lands inside one.
        let accents = String(repeating: "é", count: 5_000)
        let accentChunks = splitter.split(accents)
        Self.checkInvariants(accentChunks, of: accents, splitter: splitter)
        #expect(accentChunks.map(\.text).joined() == accents)
    }

    @Test func cjkTextWithoutSpacesIsSplit() throws {
        let sentence = "春天的雨水落在安静的河口旁边的芦苇丛中。"
        let text = String(repeating: sentence, count: 60) + String(repeating: "山", count: 3_000)
        let splitter = try TextSplitter(chunkTokens: 64, overlapTokens: 16)
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
        #expect(chunks.count > 10)
        // Sentence ends are the cut points while there are any.
        #expect(chunks.first?.text.hasSuffix("。") == true)
    }

    @Test func emptyAndShortTexts() throws {
        let splitter = try TextSplitter()
        #expect(splitter.split("").isEmpty)
        #expect(splitter.split(" \n\n\t ").isEmpty)
        #expect(splitter.split("  Hello world.  ") == [TextChunk(number: 0, text: "Hello world.", start: 2, end: 14)])
    }

    @Test func badSettingsAreRefused() {
        func error(_ chunk: Int, _ overlap: Int) -> IngestionError? {
            IngestionFixtures.caught { try TextSplitter(chunkTokens: chunk, overlapTokens: overlap) }
        }
        #expect(error(4, 0)?.caseName == "badSplitSettings")
        #expect(error(64, 32)?.caseName == "badSplitSettings")
        #expect(error(64, -1)?.caseName == "badSplitSettings")
        #expect(error(8, 4)?.caseName == "badSplitSettings")
        #expect(error(8, 3) == nil)
        #expect(error(64, 31) == nil)
        #expect(error(4, 0)?.description.contains("at least 8") == true)
    }

    @Test func aMegabyteSplitsAndIsCovered() throws {
        let text = Self.prose(paragraphs: 1_500, seed: 42)
        #expect(text.utf8.count > 800_000)
        let splitter = try TextSplitter(chunkTokens: 256, overlapTokens: 32)
        let chunks = splitter.split(text)
        Self.checkInvariants(chunks, of: text, splitter: splitter)
    }
}

private extension Substring {
    func trimmingPrefixSpaces() -> String { String(drop { $0 == " " }) }
}
