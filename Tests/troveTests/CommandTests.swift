import Foundation
import Testing
import TroveJSON
@testable import TroveStorage

@Suite struct CommandTests {
    @Test func importGetStatsExportRoundTrip() throws {
        let dir = TempDirectory()
        let db = dir.sub("db")
        let input = dir.sub("in.jsonl")
        try (messageLines(prefix: "m", count: 2500, seed: 1) + [#"{"text":"no id here","n":1.5}"#]).joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "--db", db, "--collection", "messages", input, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try JSONParser.parse(imported.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["imported"] == .int(2501))

        let got = try CLI.run(["get", "--db", db, "--collection", "messages", "m-7"])
        #expect(got.status == 0)
        let doc = try JSONParser.parse(got.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(doc["id"] == .string("m-7"))
        #expect(doc["ts"] == .int(1_700_000_007))

        let stats = try JSONParser.parse(try CLI.run(["stats", "--db", db]).stdout)
        guard case let .array(collections)? = stats["collections"] else { Issue.record("no collections"); return }
        #expect(collections.first?["documents"] == .int(2501))
        guard case let .int(bytes)? = stats["bytes_on_disk"] else { Issue.record("no bytes_on_disk"); return }
        #expect(bytes > 0)

        let exported = try CLI.run(["export", "--db", db, "--collection", "messages"])
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == 2501)
        let copy = dir.sub("copy.jsonl")
        try exported.stdout.write(toFile: copy, atomically: true, encoding: .utf8)
        let db2 = dir.sub("db2")
        #expect(try CLI.run(["import", "--db", db2, "--collection", "messages", copy]).status == 0)
        let again = try CLI.run(["export", "--db", db2, "--collection", "messages"])
        #expect(Set(again.stdout.split(separator: "\n")) == Set(lines))
        #expect(try CLI.run(["verify", "--db", db2]).status == 0)
    }

    @Test func badLinesAreReportedByNumberAndTheirBatchIsNotKept() throws {
        let dir = TempDirectory()
        let db = dir.sub("db")
        let input = dir.sub("in.jsonl")
        var lines = messageLines(prefix: "b", count: 25, seed: 2)
        lines[12] = #"{"id":"b-12","text":"unterminated}"#
        lines[17] = #"[1,2,3]"#
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let result = try CLI.run(["import", "--db", db, "--collection", "c", input, "--batch-size", "10"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 13"))
        #expect(result.stderr.contains("line 18"))
        #expect(result.stderr.contains("10 documents from earlier lines were imported"))
        var readOnly = StoreOptions()
        readOnly.readOnly = true
        let store = try Store.open(at: db, options: readOnly)
        defer { try? store.close() }
        let snap = try store.snapshot()
        #expect(try snap.count(in: "c") == 10)
        #expect(try snap.get("b-9", in: "c") != nil)
        #expect(try snap.get("b-10", in: "c") == nil)
    }

    @Test func deleteAndMissingIDsAndCompact() throws {
        let dir = TempDirectory()
        let db = dir.sub("db")
        let input = dir.sub("in.jsonl")
        try messageLines(prefix: "d", count: 100, seed: 3).joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "--db", db, "--collection", "c", input]).status == 0)
        #expect(try CLI.run(["delete", "--db", db, "--collection", "c", "d-5"]).status == 0)
        let missing = try CLI.run(["delete", "--db", db, "--collection", "c", "d-5"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("d-5"))
        #expect(try CLI.run(["get", "--db", db, "--collection", "c", "d-5"]).status != 0)
        #expect(try CLI.run(["get", "--db", db, "--collection", "nope", "d-1"]).status != 0)
        #expect(try CLI.run(["compact", "--db", db]).status == 0)
        let stats = try JSONParser.parse(try CLI.run(["stats", "--db", db]).stdout)
        guard case let .array(collections)? = stats["collections"] else { Issue.record("no collections"); return }
        #expect(collections.first?["documents"] == .int(99))
        #expect(collections.first?["segments"] == .int(1))
        #expect(collections.first?["deleted_in_segments"] == .int(0))
    }

    @Test func verifyExitsOneAndNamesTheDamagedFile() throws {
        let dir = TempDirectory()
        let db = dir.sub("db")
        let input = dir.sub("in.jsonl")
        try messageLines(prefix: "v", count: 3000, seed: 4).joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "--db", db, "--collection", "c", input]).status == 0)
        #expect(try CLI.run(["verify", "--db", db]).status == 0)
        let seg = try #require(try FileManager.default.contentsOfDirectory(atPath: db).first { $0.hasSuffix(".seg") })
        let path = db + "/" + seg
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[200] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["verify", "--db", db])
        #expect(result.status == 1)
        #expect(result.stdout.contains(seg))
        #expect(result.stdout.contains("offset"))
    }
}
