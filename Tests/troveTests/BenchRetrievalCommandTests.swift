import Foundation
import Testing
import TroveJSON
import TroveStorage
import TroveVector

/// `trove bench retrieval` end to end with the native model: it embeds what has no vectors,
/// writes them for the peers, and answers every set by every run through the engine.
@Suite struct BenchRetrievalCommandTests {
    static let topics = [
        "The open(2) system call returns a file descriptor; on error it returns -1 and sets errno.",
        "Unpack foo.zip into the current directory with unzip -o, overwriting files without asking.",
        "Set _KERNEL_SUBSYSTEM= in a journalctl match to see messages from one kernel subsystem.",
        "http.cookie.time2netscape converts a timestamp into the date format Netscape cookies use.",
        "The fix for bpo-45526 makes the garbage collector track objects created by the C API.",
        "Rotate the logs weekly and keep four compressed copies, as logrotate's defaults do.",
        "A swap file must not have holes; create it with fallocate or dd before running mkswap.",
        "Bluetooth pairing needs the agent registered first: run bluetoothctl, then agent on.",
        // A quoted option: in query-string mode it must stay a word, not become "-l" (not l).
        #"Too bad "-l" was already taken, so cpan loads local::lib with -I instead."#,
    ]

    @Test func embedsIndexesAndAnswersEverySetByEveryRun() throws {
        let dir = TempDirectory()
        var corpus = "", verbatim = "", semantic = ""
        for (i, text) in Self.topics.enumerated() {
            corpus += json(["id": "p\(i)", "text": text, "ts": 1_700_000_000 + i]) + "\n"
            let words = text.split(separator: " ")
            verbatim += json(["qid": "v\(i)", "text": words.prefix(6).joined(separator: " "), "relevant": ["p\(i)"]]) + "\n"
        }
        semantic += json(["qid": "s0", "text": "how do I extract a compressed archive", "relevant": ["p1"]]) + "\n"
        semantic += json(["qid": "s1", "text": "pair a wireless headset", "relevant": ["p7"]]) + "\n"
        try corpus.write(toFile: dir.sub("corpus.jsonl"), atomically: true, encoding: .utf8)
        try verbatim.write(toFile: dir.sub("verbatim.jsonl"), atomically: true, encoding: .utf8)
        try semantic.write(toFile: dir.sub("semantic.jsonl"), atomically: true, encoding: .utf8)
        let args = ["bench", "retrieval", "--corpus", dir.sub("corpus.jsonl"), "--vectors", dir.sub("corpus.fvecs"),
                    "--set", "verbatim=" + dir.sub("verbatim.jsonl"), "--set", "semantic=" + dir.sub("semantic.jsonl"),
                    "--repeats", "1", "--out-dir", dir.sub("out"), "--json"]
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let vectors = try VectorFiles.readFloats(dir.sub("corpus.fvecs"))
        #expect(vectors.rows == Self.topics.count && vectors.columns == 384)
        #expect(try VectorFiles.readFloats(dir.sub("semantic.fvecs")).rows == 2)

        let summary = try JSONParser.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case let .array(results)? = summary["results"] else { Issue.record("no results: \(r.stdout)"); return }
        #expect(results.count == 2 * 12)
        func mrr(_ set: String, _ run: String) -> Double? {
            guard let row = results.first(where: { $0["set"] == .string(set) && $0["run"] == .string(run) }),
                  case let .double(v)? = row["mrr10"] else { return nil }
            return v
        }
        // Verbatim spans with their punctuation find their passage first, lexically and fused.
        #expect(mrr("verbatim", "bm25") == 1 && mrr("verbatim", "bm25-phrases") == 1)
        #expect(mrr("verbatim", "rrf") == 1 && mrr("verbatim", "hybrid") == 1)
        // Paraphrases share no word with their passage: only the vectors find them.
        #expect(mrr("semantic", "dense") == 1)
        #expect((mrr("semantic", "bm25") ?? 1) < 1)
        let out = try String(contentsOfFile: dir.sub("out/verbatim.minmax:0.5:0.5.jsonl"), encoding: .utf8)
        #expect(out.split(separator: "\n").count == Self.topics.count)

        // A second run reuses the vectors; a file of the wrong length is refused, not used.
        try VectorFiles.writeFloats([[Float](repeating: 0.05, count: 384)], to: dir.sub("semantic.fvecs"))
        let stale = try CLI.run(args)
        #expect(stale.status != 0 && stale.stderr.contains("1 rows for 2 texts"))
        let badRun = try CLI.run(args + ["--run", "rrf:1"])
        #expect(badRun.status != 0 && badRun.stderr.contains("rrf:1"))
    }

    private func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
