import Foundation
import Testing
import TroveEmbed
import TroveTestSupport
@testable import TroveChat

/// These tests stop before embedding: an embedder that is never called.
private struct NoEmbedder: Embedder {
    var modelName: String { "none" }
    var dimension: Int { 1 }
    func embed(_ texts: [String]) async throws -> [[Float]] { throw EmbedderError.modelNotInstalled(name: "none", searched: []) }
}

/// Extraction is bounded by the text it may produce, not by what a file's shape
/// multiplies, and a waiting `pdftotext` stops when its caller is cancelled.
@Suite struct ExtractionLimitTests {
    @Test func theLimitScalesWithTheInputBetweenAFloorAndACap() {
        let e = TextExtractor()
        #expect(e.textLimit(inputBytes: 10) == e.minTextBytes)
        #expect(e.textLimit(inputBytes: 1 << 20) == 16 << 20)
        #expect(e.textLimit(inputBytes: 100 << 20) == e.maxTextBytes)
        #expect(e.textLimit(inputBytes: .max) == e.maxTextBytes, "no overflow")
    }

    @Test func deepJSONStopsAtTheLimitInsteadOfFlatteningEveryPath() throws {
        // ~8 KB of brackets and ones; every leaf's path is ~1,500 characters.
        let json = #"{"a": "# + String(repeating: "[", count: 250) + Array(repeating: "1", count: 3_000).joined(separator: ",") + String(repeating: "]", count: 250) + "}"
        let error = try #require(IngestionFixtures.caught { try TextExtractor().extract(Array(json.utf8), as: .json) })
        #expect(error == .textTooLarge(limit: 1 << 20) && error.isLimit)
        // Up to the limit the same shape extracts.
        let small = #"{"a": [[["x", "y"]]]}"#
        #expect(try TextExtractor().extract(Array(small.utf8), as: .json) == "a[0][0][0]: x\na[0][0][1]: y")
    }

    @Test func aLongCSVHeaderRepeatedPerCellStopsAtTheLimit() throws {
        let csv = "id," + String(repeating: "h", count: 20_000) + "\n" + (0..<100).map { "\($0),v" }.joined(separator: "\n")
        let error = try #require(IngestionFixtures.caught { try TextExtractor().extract(Array(csv.utf8), as: .csv) })
        #expect(error == .textTooLarge(limit: 1 << 20))
    }

    @Test func tooManyChunksIsALimit() async throws {
        let ingestor = Ingestor(extractor: TextExtractor(), splitter: try TextSplitter(chunkTokens: 8, overlapTokens: 0), embedder: NoEmbedder(), maxChunks: 10)
        let text = (0..<200).map { "Sentence number \($0) is here." }.joined(separator: " ")
        await #expect(throws: IngestionError.tooManyChunks(count: 200, limit: 10)) {
            try await ingestor.pieces(of: Array(text.utf8), type: .txt)
        }
    }

    /// A `pdftotext` that never finishes: cancelling the task stops it (SIGTERM, reaped),
    /// instead of holding a thread (and shutdown) for the full minute.
    @Test func cancellingTheTaskStopsAHangingPdftotext() async throws {
        let dir = TempDirectory("trove-pdf")
        let tool = dir.sub("pdftotext"), pidFile = dir.sub("pid")
        try "#!/bin/sh\necho $$ > \(pidFile).new\nmv \(pidFile).new \(pidFile)\nexec sleep 600\n".write(toFile: tool, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        // Its own pool: the shared one may be busy with other tests' uploads.
        let ingestor = Ingestor(extractor: TextExtractor(pdftotextPath: tool), splitter: try TextSplitter(), embedder: NoEmbedder(), pool: BlockingPool(threads: 1))
        let task = Task { try await ingestor.pieces(of: Array("%PDF-1.4\n".utf8), type: .pdf) }
        // Cancelled once the tool runs, so this is the running case, not the queued one.
        let deadline = Date().addingTimeInterval(240)
        while !FileManager.default.fileExists(atPath: pidFile), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        task.cancel()
        let result = await task.result
        // A stop by the 60 s deadline says `timedOut`; only cancellation says `cancelled`.
        // No wall-clock bound: a loaded test process wakes this task late, not the tool.
        guard case let .failure(error) = result else { Issue.record("a hanging pdftotext returned text"); return }
        #expect(error is CancellationError, "\(error)")
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the tool (pid \(pid)) still runs after cancellation")
    }
}
