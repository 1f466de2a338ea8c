import Foundation
import Testing
import TroveJSON
import TroveStorage

@Suite struct SearchCommandTests {
    @Test func importWithTextAndTimeFieldsThenSearchSurvivesCompaction() throws {
        let dir = TempDirectory()
        let db = dir.sub("db")
        let lines = [
            #"{"id":"a","text":"the server restarted after the disk filled","ts":100}"#,
            #"{"id":"b","text":"disk quotas protect the server","ts":200}"#,
            #"{"id":"c","text":"a quiet evening with no incidents","ts":300}"#,
            #"{"id":"d","text":"Disks, servers and more disks","ts":400}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: dir.sub("in.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "--db", db, "--collection", "m", dir.sub("in.jsonl"), "--text-field", "text", "--time-field", "ts"]).status == 0)
        func ids(_ extra: [String]) throws -> [String] {
            let r = try CLI.run(["search", "--db", db, "--collection", "m", "--json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try r.stdout.split(separator: "\n").map { line in
                guard case let .string(id)? = try JSONParser.parse(String(line))["id"] else { return "" }
                return id
            }
        }
        #expect(Set(try ids(["--text", "disk"])) == ["a", "b", "d"])
        #expect(try ids(["--text", "disk", "--sort", "time"]) == ["d", "b", "a"])
        #expect(try ids(["--text", "disk", "--from", "150", "--to", "400"]) == ["b"])
        #expect(try ids(["--text", "+disk -quotas", "--syntax", "query_string"]).sorted() == ["a", "d"])
        #expect(try ids(["--text", #""server restarted""#, "--syntax", "query_string"]) == ["a"])
        // By default any text is a query: its words, OR-ed, syntax characters and all.
        #expect(Set(try ids(["--text", #"+disk -quotas "unclosed (2)"#])) == ["a", "b", "d"])
        #expect(try CLI.run(["compact", "--db", db]).status == 0)
        #expect(Set(try ids(["--text", "disk"])) == ["a", "b", "d"])
        let bad = try CLI.run(["search", "--db", db, "--collection", "m", "--text", "+", "--syntax", "query_string"])
        #expect(bad.status != 0 && bad.stderr.contains("syntax"))
        let plain = dir.sub("plain")
        #expect(try CLI.run(["import", "--db", plain, "--collection", "m", dir.sub("in.jsonl")]).status == 0)
        let noSchema = try CLI.run(["search", "--db", plain, "--collection", "m", "--text", "disk"])
        #expect(noSchema.status != 0 && noSchema.stderr.contains("--text-field"))
    }
}
