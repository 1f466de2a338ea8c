import ArgumentParser
import Foundation
import TroveEmbed
import TroveEngine
import TroveJSON
import TroveStorage
import TroveVector

/// The retrieval eval (Benchmarks/retrieval): one corpus with text and embeddings in one
/// collection, several query sets, and each set answered by BM25 (match mode), exact dense
/// search and hybrid fusions, through the engine's own search, one query at a time.
/// Missing embeddings are made with the native model and written as `.fvecs`, so the
/// peers (FAISS) search the very same vectors.
struct BenchRetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Benchmark BM25, dense and hybrid retrieval on a corpus and query sets (Benchmarks/retrieval)."
    )

    @Option(help: "Corpus lines: {\"id\", \"text\", \"ts\"}.") var corpus: String
    @Option(help: "The corpus vectors (.fvecs, row i = corpus line i); embedded from \"text\" and written when missing.") var vectors: String
    @Option(name: .customLong("set"), help: "NAME=queries.jsonl (lines {\"qid\", \"text\", \"relevant\": [ids]}); vectors beside it as .fvecs, embedded when missing. Repeatable.")
    var sets: [String] = []
    @Option(name: .customLong("run"), help: "bm25, bm25-phrases (query-string mode: splitting words as phrases), bm25-all (the same, every word required), dense, hybrid (the default fusion), rrf[:T:V], minmax:T:V or zscore:T:V. Repeatable; default: bm25, bm25-phrases, dense, hybrid and eight named fusions.")
    var runs: [String] = []
    @Option(help: "Hits per query.") var k = 10
    @Option(help: "The text field's analyzer: standard or english.") var analyzer = "english"
    @Option(help: "Timed passes after one warm-up pass (QPS from the best pass; p50/p99 over all).") var repeats = 3
    @Option(help: "Where <set>.<run>.jsonl results go (one {\"qid\", \"ids\", \"scores\"} line per query).") var outDir: String?
    @Option(help: "Where the database is built (default: a temporary folder, removed after).") var indexDir: String?
    @Flag(help: "Stop once the vectors exist.") var embedOnly = false
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var embedderOptions: EmbedderOptions

    func run() async throws {
        guard k > 0, repeats > 0 else { throw ValidationError("--k and --repeats must be positive") }
        let querySets = try sets.map(RetrievalQuerySet.init(argument:))
        let runList = try (runs.isEmpty ? RetrievalRun.defaults : runs).map(RetrievalRun.init)
        let passages: [RetrievalPassage] = try RetrievalQuerySet.readLines(corpus)
        let embedStart = monotonicSeconds()
        let passageVectors = try await vectorsOf(passages.map(\.text), at: vectors)
        var loadedSets: [(RetrievalQuerySet, [[Float]])] = []
        for set in querySets { loadedSets.append((set, try await vectorsOf(set.queries.map(\.text), at: set.vectorPath))) }
        let embedSeconds = monotonicSeconds() - embedStart
        if embedOnly { return }

        let dir = indexDir ?? NSTemporaryDirectory() + "trove-bench-retrieval-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        defer { if indexDir == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let indexStart = monotonicSeconds()
        let db = try await load(passages, passageVectors, into: dir)
        let indexSeconds = monotonicSeconds() - indexStart
        if let outDir { try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true) }
        var results: [JSONValue] = []
        for (set, queryVectors) in loadedSets {
            for run in runList {
                progress("\(set.name) × \(run.name)")
                results.append(try await measure(run, set, queryVectors, db))
            }
        }
        try db.close()
        let summary: [(String, JSONValue)] = [
            ("docs", .int(Int64(passages.count))), ("index_seconds", .double(r3(indexSeconds))),
            ("embed_seconds", .double(r3(embedSeconds))), ("analyzer", .string(analyzer)), ("k", .int(Int64(k))),
            ("threads", .int(1)), ("results", .array(results)),
        ]
        if json { print(jsonLine(summary)) } else { for r in results { print(JSONWriter.string(r)) } }
    }

    /// The vectors in `path`, or `texts` embedded by the native model and written there.
    private func vectorsOf(_ texts: [String], at path: String) async throws -> [[Float]] {
        if FileManager.default.fileExists(atPath: path) {
            let table = try VectorFiles.readFloats(path)
            guard table.rows == texts.count else { throw CLIError("\(path) has \(table.rows) rows for \(texts.count) texts; delete it to embed again") }
            return (0..<table.rows).map { Array(table.values[($0 * table.columns)..<(($0 + 1) * table.columns)]) }
        }
        let embedder = try await embedderOptions.make()
        var out: [[Float]] = []
        out.reserveCapacity(texts.count)
        let started = monotonicSeconds()
        for start in stride(from: 0, to: texts.count, by: 512) {
            out += try await embedder.embed(Array(texts[start..<min(texts.count, start + 512)]))
            progress("embedded \(out.count)/\(texts.count) for \(path) (\(Int(Double(out.count) / max(monotonicSeconds() - started, 1e-9)))/s)")
        }
        try VectorFiles.writeFloats(out, to: path)
        return out
    }

    /// A database with one collection: the text, its timestamp and its vector, flushed
    /// into segments so every query reads indexed sections, as a served collection does.
    private func load(_ passages: [RetrievalPassage], _ vectors: [[Float]], into dir: String) async throws -> Database {
        guard let dimension = vectors.first?.count else { throw CLIError("the corpus is empty") }
        var options = TroveEngine.DatabaseOptions()
        options.vectorThreads = 1
        options.store.memtableBytes = 1 << 30
        options.store.backgroundMerges = false
        options.store.durability = .interval(milliseconds: 200)
        let db = try Database.open(at: dir, options: options)
        let schema = """
            {"fields": [{"name": "text", "type": "text", "analyzer": "\(analyzer)", "phrases": true},
             {"name": "ts", "type": "timestamp"},
             {"name": "emb", "type": "vector", "dimension": \(dimension), "metric": "cosine", "index": "flat"}]}
            """
        try db.createCollection("corpus", schema: CollectionSchema(jsonText: schema))
        for start in stride(from: 0, to: passages.count, by: 1000) {
            let docs = (start..<min(passages.count, start + 1000)).map { i in
                Document(id: passages[i].id, fields: [
                    Field("text", .string(passages[i].text)),
                    Field("ts", .timestamp((passages[i].ts ?? 0) * 1_000_000)),
                    Field("emb", .vector(vectors[i])),
                ])
            }
            try await db.put(docs, in: "corpus")
        }
        try db.flush()
        progress("indexed \(passages.count) passages in \(dir)")
        return db
    }

    /// Quality and latency of one run over one query set; writes its `--out-dir` file.
    private func measure(_ run: RetrievalRun, _ set: RetrievalQuerySet, _ vectors: [[Float]], _ db: Database) async throws -> JSONValue {
        let queries = zip(set.queries, vectors).map { run.query(text: $0.text, vector: $1, k: k) }
        var answers: [[EngineHit]] = []
        for q in queries { answers.append(try await db.search(q, in: "corpus").hits) }
        var timings = PassTimings()
        for _ in 0..<repeats {
            var pass: [Double] = []
            let passStart = monotonicSeconds()
            for q in queries {
                let t0 = monotonicSeconds()
                _ = try await db.search(q, in: "corpus")
                pass.append(monotonicSeconds() - t0)
            }
            timings.addPass(pass, seconds: monotonicSeconds() - passStart)
        }
        var quality = RankingQuality(k: k)
        var lines = ""
        for (query, hits) in zip(set.queries, answers) {
            quality.add(hits.map(\.id), relevant: query.relevant)
            lines += jsonLine([("qid", .string(query.qid)), ("ids", .array(hits.map { .string($0.id) })),
                               ("scores", .array(hits.map { .double($0.score) }))]) + "\n"
        }
        if let outDir { try lines.write(toFile: "\(outDir)/\(set.name).\(run.name).jsonl", atomically: true, encoding: .utf8) }
        let members: [(String, JSONValue)] = [
            ("set", .string(set.name)), ("run", .string(run.name)), ("queries", .int(Int64(queries.count))),
            ("qps", .double(r3(timings.qps))), ("p50_ms", .double(r3(timings.percentileMs(0.5)))), ("p99_ms", .double(r3(timings.percentileMs(0.99)))),
            ("mrr10", .double(r3(quality.meanMRR))), ("recall10", .double(r3(quality.meanRecall))), ("ndcg10", .double(r3(quality.meanNDCG))),
        ]
        return .object(members.map { JSONMember($0.0, $0.1) })
    }

    private func progress(_ text: String) { printError(text) }
    private func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
