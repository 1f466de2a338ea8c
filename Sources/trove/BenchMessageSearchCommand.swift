import ArgumentParser
import Foundation
import TroveEngine
import TroveJSON
import TroveStorage

/// The message part of the retrieval eval (Benchmarks/retrieval/run-messages.sh): a
/// million chat messages of real text, searched with raw query strings (match mode) and a
/// time window, newest first and by score, for one user (a tenant-scoped collection, as
/// the chat service stores messages) and across all users. One query at a time.
struct BenchMessageSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message-search",
        abstract: "Benchmark raw text + time-window queries on chat messages, newest first (Benchmarks/retrieval)."
    )

    @Option(help: "Message lines: {\"id\", \"owner\", \"text\", \"ts\"} (ts in seconds).") var messages: String
    @Option(help: "Query lines: {\"qid\", \"text\", \"owner\", \"from\", \"to\"} (seconds, [from, to)).") var queries: String
    @Option(help: "The text field's analyzer: standard or english.") var analyzer = "english"
    @Option(help: "Timed passes after one warm-up pass (QPS from the best pass; p50/p99 over all).") var repeats = 3
    @Option(help: "Where <run>.jsonl results go (one {\"qid\", \"ids\", \"ts\"} line per query).") var outDir: String?
    @Option(help: "Where the database is built (default: a temporary folder, removed after).") var indexDir: String?
    @Flag(help: "Print one JSON object.") var json = false

    private static let scopes = [(name: "tenant", collection: "by_owner"), (name: "all", collection: "shared")]

    func run() async throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
        let lines: [TimedMessageLine] = try RetrievalQuerySet.readLines(messages)
        let queryLines: [TimedMessageQuery] = try RetrievalQuerySet.readLines(queries)
        let dir = indexDir ?? NSTemporaryDirectory() + "trove-bench-messages-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        defer { if indexDir == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let loadStart = monotonicSeconds()
        let db = try await load(lines, into: dir)
        let loadSeconds = monotonicSeconds() - loadStart
        if let outDir { try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true) }
        var results: [JSONValue] = []
        for scope in Self.scopes {
            for newest in [true, false] {
                let name = "\(scope.name)-\(newest ? "newest" : "best")"
                printError("\(name): \(queryLines.count) queries")
                results.append(try await measure(name, queryLines, db, collection: scope.collection, tenant: scope.name == "tenant", newest: newest))
            }
        }
        try db.close()
        let summary: [(String, JSONValue)] = [
            ("messages", .int(Int64(lines.count))), ("load_seconds", .double(r3(loadSeconds))),
            ("bytes_on_disk", .int(try FileSizes.total(dir))), ("analyzer", .string(analyzer)), ("threads", .int(1)),
            ("results", .array(results)),
        ]
        if json { print(jsonLine(summary)) } else { for r in results { print(JSONWriter.string(r)) } }
    }

    /// Both collections, loaded in batches (a tenant-scoped put holds one owner's
    /// messages), then compacted to one segment each so no merge runs while queries are
    /// timed.
    private func load(_ lines: [TimedMessageLine], into dir: String) async throws -> Database {
        var options = TroveEngine.DatabaseOptions()
        options.store.backgroundMerges = false
        options.store.durability = .interval(milliseconds: 200)
        let db = try Database.open(at: dir, options: options)
        let fields = """
            [{"name": "owner", "type": "keyword"}, {"name": "text", "type": "text", "analyzer": "\(analyzer)", "phrases": true},
             {"name": "ts", "type": "timestamp"}]
            """
        try db.createCollection("by_owner", schema: CollectionSchema(jsonText: #"{"tenant": "owner", "fields": \#(fields)}"#))
        try db.createCollection("shared", schema: CollectionSchema(jsonText: #"{"fields": \#(fields)}"#))
        for start in stride(from: 0, to: lines.count, by: 5000) {
            let batch = lines[start..<min(lines.count, start + 5000)]
            let docs = batch.map { m in
                Document(id: m.id, fields: [Field("owner", .string(m.owner)), Field("text", .string(m.text)), Field("ts", .timestamp(m.ts * 1_000_000))])
            }
            try await db.put(docs, in: "shared")
            let byOwner = Dictionary(grouping: zip(batch, docs), by: { $0.0.owner })
            for owner in byOwner.keys.sorted() { try await db.put((byOwner[owner] ?? []).map(\.1), in: "by_owner", tenant: owner) }
            if (start / 5000) % 40 == 0 { printError("loaded \(start + batch.count) messages") }
        }
        printError("compacting")
        try db.compact()
        return db
    }

    private func query(_ q: TimedMessageQuery, newest: Bool) -> EngineQuery {
        var e = EngineQuery(text: q.text, filters: [.range(field: "ts", from: q.from * 1_000_000, to: q.to * 1_000_000)], limit: 10)
        if newest { e.sort = .field("ts", descending: true) }
        return e
    }

    /// Latency of one run; writes its `--out-dir` file.
    private func measure(_ name: String, _ queries: [TimedMessageQuery], _ db: Database, collection: String, tenant: Bool, newest: Bool) async throws -> JSONValue {
        let engineQueries = queries.map { query($0, newest: newest) }
        func search(_ i: Int) async throws -> SearchPage {
            try await db.search(engineQueries[i], in: collection, tenant: tenant ? queries[i].owner : nil)
        }
        var answers: [[EngineHit]] = []
        for i in queries.indices { answers.append(try await search(i).hits) }
        var timings = PassTimings()
        for _ in 0..<repeats {
            var pass: [Double] = []
            let passStart = monotonicSeconds()
            for i in queries.indices {
                let t0 = monotonicSeconds()
                _ = try await search(i)
                pass.append(monotonicSeconds() - t0)
            }
            timings.addPass(pass, seconds: monotonicSeconds() - passStart)
        }
        if let outDir {
            let text = zip(queries, answers).map { q, hits in
                jsonLine([("qid", .string(q.qid)), ("ids", .array(hits.map { .string($0.id) })),
                          ("scores", .array(hits.map { .double(newest ? Double(($0.sortValue ?? 0) / 1_000_000) : $0.score) }))])
            }.joined(separator: "\n") + "\n"
            try text.write(toFile: "\(outDir)/\(name).jsonl", atomically: true, encoding: .utf8)
        }
        let hits = answers.reduce(0) { $0 + $1.count }
        let members: [(String, JSONValue)] = [
            ("run", .string(name)), ("queries", .int(Int64(queries.count))), ("qps", .double(r3(timings.qps))),
            ("p50_ms", .double(r3(timings.percentileMs(0.5)))), ("p99_ms", .double(r3(timings.percentileMs(0.99)))),
            ("max_ms", .double(r3(timings.percentileMs(1)))), ("mean_hits", .double(r3(Double(hits) / Double(max(1, queries.count))))),
            ("empty", .int(Int64(answers.filter(\.isEmpty).count))),
        ]
        return .object(members.map { JSONMember($0.0, $0.1) })
    }

    private func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}

/// One message of the benchmark's set.
struct TimedMessageLine: Decodable, Sendable {
    let id: String
    let owner: String
    let text: String
    /// Seconds since 1970.
    let ts: Int64
}

/// One raw query with its owner and time window `[from, to)`, in seconds.
struct TimedMessageQuery: Decodable, Sendable {
    let qid: String
    let text: String
    let owner: String
    let from: Int64
    let to: Int64
}
