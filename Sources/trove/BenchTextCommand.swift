import ArgumentParser
import Foundation
import TroveJSON
import TroveStorage
import TroveText

/// Indexes a JSONL corpus and runs known-item queries one at a time: indexing rate,
/// index size, latency, QPS, and MRR@k / recall@k / nDCG@k when queries name relevant ids.
/// Queries are timed as the Tantivy peer times them: a warm-up pass, then `--repeats`
/// passes; QPS is the best pass's, latency percentiles are over every timed query.
struct BenchTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "text", abstract: "Benchmark full-text indexing and BM25 search on a JSONL corpus.")

    @Option(help: "Corpus lines: {\"id\", \"text\", \"title\", \"ts\"}.") var corpus: String
    @Option(help: "Query lines: {\"qid\", \"text\", \"relevant\": [ids], \"from\", \"to\"}.") var queries: String
    @Option(help: "Hits per query.") var k = 10
    @Option(help: "The text field searched.") var field = "text"
    @Option(help: "standard, english or keyword.") var analyzer = "english"
    @Option(help: "Threads (indexing compresses blocks on both cores regardless).") var threads = 1
    @Option(help: "Where the index is built (default: a temporary folder, removed after).") var indexDir: String?
    @Option(help: "Per-query results (JSON lines).") var out: String?
    @Option(help: "Timed passes over the queries after one warm-up pass (QPS from the best pass; p50/p99 over all).") var repeats = 3
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        guard let analyzer = Analyzer(rawValue: analyzer) else { throw ValidationError("--analyzer must be standard, english or keyword") }
        let dir = indexDir ?? NSTemporaryDirectory() + "trove-bench-text-\(getpid())"
        if indexDir == nil { try? FileManager.default.removeItem(atPath: dir) }
        defer { if indexDir == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let schema = TextSchema(text: [TextFieldSpec(field: field, analyzer: analyzer, positions: true)], numeric: [NumericFieldSpec(field: "ts")])
        var options = StoreOptions()
        options.extensions = [TextSchema.fromMetadata]
        options.memtableBytes = 1 << 30
        options.backgroundMerges = false
        let corpusBytes = LocalFileSystem().fileSize(corpus)
        let started = monotonicSeconds()
        let store = try Store.open(at: dir, options: options)
        if try !store.snapshot().collectionNames.contains("corpus") { try store.createCollection("corpus", metadata: schema.metadata) }
        let docs = try JSONLImporter(store: store, collection: "corpus").run(path: corpus) { _, _ in }
        try store.flush()
        let indexSeconds = monotonicSeconds() - started
        let snapshot = try store.snapshot()
        let textBytes = try snapshot.segments(of: "corpus").reduce(Int64(0)) { total, s in
            total + s.reader.sections.filter { ["XH", "XT", "XP", "XS", "XN", "NC"].contains(String(String(describing: $0.tag).prefix(2))) }.reduce(Int64(0)) { $0 + $1.length }
        }
        let searcher = TextSearcher(schema: schema, defaultField: field)
        let parsed = try Self.readQueries(queries, field: field, k: k)
        var hits: [[TextHit]] = []
        for q in parsed { hits.append(try searcher.search(snapshot, collection: "corpus", query: q.query, options: q.options)) }
        var timings = PassTimings()
        for _ in 0..<max(1, repeats) {
            var pass: [Double] = []
            let passStart = monotonicSeconds()
            for q in parsed {
                let t0 = monotonicSeconds()
                _ = try searcher.search(snapshot, collection: "corpus", query: q.query, options: q.options)
                pass.append(monotonicSeconds() - t0)
            }
            timings.addPass(pass, seconds: monotonicSeconds() - passStart)
        }
        var quality = RankingQuality(k: k)
        var outText = ""
        for (q, found) in zip(parsed, hits) {
            if let relevant = q.relevant { quality.add(found.map(\.id), relevant: relevant) }
            if out != nil {
                outText += jsonLine([("qid", q.qid), ("ids", .array(found.map { .string($0.id) })), ("scores", .array(found.map { .double(Double($0.score)) }))]) + "\n"
            }
        }
        if let out { try outText.write(toFile: out, atomically: true, encoding: .utf8) }
        let summary: [(String, JSONValue)] = [
            ("docs", .int(Int64(docs))), ("index_seconds", .double(r3(indexSeconds))), ("docs_per_sec", .double(Double(docs) / indexSeconds)),
            ("mb_per_sec", .double(r3(Double(corpusBytes) / 1e6 / indexSeconds))), ("index_bytes", .int(textBytes)),
            ("total_bytes", .int(try store.bytesOnDisk())), ("queries", .int(Int64(parsed.count))), ("repeats", .int(Int64(max(1, repeats)))),
            ("qps", .double(r3(timings.qps))), ("p50_ms", .double(r3(timings.percentileMs(0.5)))), ("p99_ms", .double(r3(timings.percentileMs(0.99)))),
            ("mrr10", .double(r3(quality.meanMRR))), ("recall10", .double(r3(quality.meanRecall))), ("ndcg10", .double(r3(quality.meanNDCG))),
            ("analyzer", .string(analyzer.rawValue)), ("threads", .int(Int64(threads))),
        ]
        try store.close()
        if json { print(jsonLine(summary)) } else { for (k, v) in summary { print("\(k): \(JSONWriter.string(v))") } }
    }

    struct BenchQuery {
        var qid: JSONValue
        var query: TextQuery
        var options: TextSearchOptions
        var relevant: Set<String>?
    }

    /// Query lines as the bench runs them: every word a `should` term of `field`.
    static func readQueries(_ path: String, field: String, k: Int) throws -> [BenchQuery] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let q = try JSONParser.parse(String(line))
            guard case let .string(text)? = q["text"] else { throw CLIError("query line without text: \(line.prefix(80))") }
            var opts = TextSearchOptions(limit: k)
            if q["from"] != nil || q["to"] != nil {
                func int(_ v: JSONValue?) -> Int64? { if case let .int(i)? = v { return i }; return nil }
                opts.range = ("ts", int(q["from"]), int(q["to"]))
            }
            let words = text.split(whereSeparator: { $0.isWhitespace }).map { TextQuery.term(String($0), field: field, boost: 1) }
            var relevant: Set<String>?
            if case let .array(rel)? = q["relevant"] {
                relevant = Set(rel.compactMap { v -> String? in if case let .string(s) = v { return s }; return nil })
            }
            return BenchQuery(qid: q["qid"] ?? .null, query: .boolean(must: [], should: words, mustNot: []), options: opts, relevant: relevant)
        }
    }

    private func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
