import Foundation
import Testing
import TroveJSON
import TroveStorage

/// `trove collection create`, then import, search (text, vector, hybrid, filters, time,
/// sort, paging, count), export and backup on a tenant-scoped collection with vectors.
@Suite struct CollectionCommandTests {
    static let schema = """
        {"tenant": "owner", "fields": [{"name": "owner", "type": "keyword"}, {"name": "role", "type": "keyword"},
         {"name": "text", "type": "text", "analyzer": "english", "phrases": true},
         {"name": "embedding", "type": "vector", "dimension": 3, "metric": "cosine", "index": "flat"},
         {"name": "created_at", "type": "timestamp"}, {"name": "tokens", "type": "int"}]}
        """
    static let lines = [
        #"{"id":"a","owner":"ann","role":"user","text":"the solar panel output dropped","embedding":[1,0,0],"created_at":"2026-11-20T10:00:00Z","tokens":30}"#,
        #"{"id":"b","owner":"ann","role":"assistant","text":"check the solar inverter","embedding":[0.9,0.1,0],"created_at":"2026-11-21T09:00:00Z","tokens":50}"#,
        #"{"id":"c","owner":"ann","role":"user","text":"wind turbine noise","embedding":[0,1,0],"created_at":"2026-11-21T11:00:00Z","tokens":20}"#,
        #"{"id":"d","owner":"bob","role":"user","text":"solar panels on my roof","embedding":[1,0,0],"created_at":"2026-11-21T12:00:00Z","tokens":10}"#,
    ]

    static func ids(_ r: CLI.Result) throws -> [String] {
        try r.stdout.split(separator: "\n").map { line in
            guard case let .string(id)? = try JSONParser.parse(String(line))["id"] else { return "" }
            return id
        }
    }

    @Test func engineCollectionsThroughTheCLI() throws {
        let dir = TempDirectory()
        let db = dir.sub("db")
        try Self.schema.write(toFile: dir.sub("schema.json"), atomically: true, encoding: .utf8)
        try Self.lines.joined(separator: "\n").write(toFile: dir.sub("in.jsonl"), atomically: true, encoding: .utf8)
        let created = try CLI.run(["collection", "create", "--db", db, "--schema", dir.sub("schema.json"), "--name", "m"])
        #expect(created.status == 0 && created.stdout.contains("tenant-scoped on 'owner'"), "\(created.stderr)")
        #expect(try CLI.run(["import", "--db", db, "--collection", "m", dir.sub("in.jsonl")]).status == 0)
        func search(_ extra: [String]) throws -> CLI.Result { try CLI.run(["search", "--db", db, "--collection", "m", "--json"] + extra) }

        let noTenant = try search(["--text", "solar"])
        #expect(noTenant.status != 0 && noTenant.stderr.contains("tenant-scoped"))
        #expect(Set(try Self.ids(search(["--text", "solar", "--tenant", "ann"]))) == ["a", "b"])
        #expect(try Self.ids(search(["--vector", "[0,1,0]", "--tenant", "ann", "--k", "1"])) == ["c"])
        #expect(try Self.ids(search(["--text", "solar", "--vector", "[1,0,0]", "--tenant", "bob"])) == ["d"])
        #expect(try Self.ids(search(["--tenant", "ann", "--filter", "role=user", "--sort=-created_at"])) == ["c", "a"])
        #expect(try Self.ids(search(["--tenant", "ann", "--from", "2026-11-21", "--sort", "tokens"])) == ["c", "b"])
        let count = try CLI.run(["search", "--db", db, "--collection", "m", "--tenant", "ann", "--count", "--filter", "role=user|assistant"])
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        let snippet = try search(["--text", "panel", "--tenant", "ann"])
        #expect(snippet.stdout.contains("<em>panel</em>"))

        // Paging: the cursor printed on standard error fetches the next page.
        let first = try search(["--tenant", "ann", "--sort", "created_at", "--k", "2"])
        #expect(try Self.ids(first) == ["a", "b"])
        let cursor = try #require(first.stderr.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(try Self.ids(search(["--tenant", "ann", "--sort", "created_at", "--k", "2", "--after", cursor])) == ["c"])

        for (args, message) in [(["--filter", "role"], "field=value"), (["--from", "yesterday"], "RFC 3339"),
                                (["--vector", "[1,\"x\",0]"], "JSON array of numbers"), (["--after", "zz"], "malformed search_after cursor")] {
            let r = try search(args + ["--tenant", "ann"])
            #expect(r.status != 0 && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        let missingSchema = try CLI.run(["collection", "create", "--db", db, "--schema", dir.sub("nope.json"), "--name", "x"])
        #expect(missingSchema.status != 0 && missingSchema.stderr.contains("cannot read"))
        let badVector = try search(["--vector", "[1,0]", "--tenant", "ann"])
        #expect(badVector.status != 0 && badVector.stderr.contains("has 3"))
        #expect(try CLI.run(["backup", "--db", db, "--to", dir.sub("copy")]).status == 0)
        let exported = try CLI.run(["export", "--db", dir.sub("copy"), "--collection", "m"])
        #expect(exported.stdout.split(separator: "\n").count == 4 && exported.stdout.contains(#""created_at":"2026-11-21T09:00:00Z""#))
    }
}
