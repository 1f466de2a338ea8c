import Foundation
import Testing
import TroveJSON
import TroveStorage

/// `trove bench message-search` end to end: messages of three owners, one raw query with
/// punctuation and a time window, answered newest first for its owner and for everyone,
/// checked against the messages the query must find.
@Suite struct BenchMessageSearchCommandTests {
    @Test func answersRawWindowQueriesNewestFirstPerOwnerAndForAll() throws {
        let dir = TempDirectory()
        let t0 = 1_700_000_000
        var messages = ""
        for i in 0..<60 {
            let text = i % 2 == 0 ? "see open(2) for details, item \(i + 100)" : "unrelated chatter, item \(i + 100)"
            messages += json(["id": String(format: "m%03d", i), "owner": "u\(i % 3)", "text": text, "ts": t0 + i * 3600]) + "\n"
        }
        let query = json(["qid": "q0", "text": "open(2)).", "owner": "u1", "from": t0 + 10 * 3600, "to": t0 + 50 * 3600])
        try messages.write(toFile: dir.sub("messages.jsonl"), atomically: true, encoding: .utf8)
        try (query + "\n").write(toFile: dir.sub("queries.jsonl"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["bench", "message-search", "--messages", dir.sub("messages.jsonl"), "--queries", dir.sub("queries.jsonl"),
                             "--repeats", "1", "--out-dir", dir.sub("out"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONParser.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case let .array(results)? = summary["results"] else { Issue.record("no results: \(r.stdout)"); return }
        #expect(results.map { $0["run"] } == ["tenant-newest", "tenant-best", "all-newest", "all-best"].map { .string($0) })

        // Newest first within [10, 50): u1's even messages, then everyone's.
        let window = (10..<50).filter { $0 % 2 == 0 }.reversed()
        #expect(try ids("tenant-newest", dir) == window.filter { $0 % 3 == 1 }.prefix(10).map { String(format: "m%03d", $0) })
        #expect(try ids("all-newest", dir) == window.prefix(10).map { String(format: "m%03d", $0) })
        // By score the same owner's matches come back, in some order.
        #expect(Set(try ids("tenant-best", dir)) == Set(window.filter { $0 % 3 == 1 }.prefix(10).map { String(format: "m%03d", $0) }))
    }

    private func ids(_ run: String, _ dir: TempDirectory) throws -> [String] {
        let line = try String(contentsOfFile: dir.sub("out/\(run).jsonl"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard case let .array(ids)? = try JSONParser.parse(line)["ids"] else { return [] }
        return ids.compactMap { if case let .string(s) = $0 { s } else { nil } }
    }

    private func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
