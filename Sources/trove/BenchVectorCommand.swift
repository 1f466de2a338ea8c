import ArgumentParser
import Foundation
import TroveJSON
import TroveStorage
import TroveVector

/// Benchmarks the vector index on `.fvecs`/`.npy` files the way people compare engines:
/// build/train time, batch QPS, single-query latency, recall@k per nprobe.
struct BenchVectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vector", abstract: "Benchmark flat, IVF, IVF-SQ8, IVF-PQ and HNSW search on vector files.")

    @Option(help: "Base vectors (.fvecs or .npy float32 2-D).") var base: String
    @Option(help: "Query vectors (.fvecs or .npy).") var queries: String
    @Option(help: "Ground truth ids (.ivecs or .npy int32); computed exactly when absent.") var truth: String?
    @Option(help: "Hits per query.") var k = 10
    @Option(help: "ip, cosine or l2.") var metric = "ip"
    @Option(help: "flat, ivf, ivf-sq8, ivf-pq or hnsw.") var index = "flat"
    @Option(help: "IVF lists (default about 4·√n).") var nlist: Int?
    @Option(help: "Lists probed per query, comma-separated.") var nprobe = "1,4,16,64"
    @Option(help: "IVF k-means seeding: random or plus-plus.") var kmeansSeeding = "random"
    @Option(help: "IVF k-means iterations.") var kmeansIterations = KMeans.defaultIterations
    @Option(help: "IVF: share of the rows listed a second time, in a neighbouring list (0–1).") var spill = SpilledRows.defaultFraction
    @Option(help: "HNSW links per node.") var m = HNSWParameters.defaults.m
    @Option(help: "IVF-PQ bytes per row (slices; must divide d). Default: slices of 8 components.") var pqM: Int?
    @Option(help: "IVF-PQ candidates re-scored exactly per hit, comma-separated.") var rerank = "\(IVFIndex.defaultRerank)"
    @Option(help: "HNSW build candidates.") var efConstruction = HNSWParameters.defaults.efConstruction
    @Option(help: "HNSW search candidates, comma-separated.") var ef = "10,20,40,80,160,320"
    @Option(help: "Threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Queries timed one at a time for latency.") var singleQueries = 1000
    @Option(help: "Filter every search to the rows whose number is a multiple of N (a tenant holding 1/N of the rows); recall is then against the exact filtered top k, not --truth.") var allowEvery = 1
    @Option(help: "Filter every search to the last ⌈n/N⌉ rows, as a time window over rows added in time order; recall is then against the exact filtered top k.") var allowWindow = 1
    @Option(help: "Per-query results (JSON lines) of the last configuration.") var out: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        guard let metric = VectorMetric(rawValue: metric) else { throw ValidationError("--metric must be ip, cosine or l2") }
        guard ["flat", "ivf", "ivf-sq8", "ivf-pq", "hnsw"].contains(index) else { throw ValidationError("--index must be flat, ivf, ivf-sq8, ivf-pq or hnsw") }
        let reranks = index == "ivf-pq" ? try positiveList(rerank, option: "--rerank") : [0]
        guard k > 0, threads > 0, allowEvery > 0, allowWindow > 0 else { throw ValidationError("--k, --threads, --allow-every and --allow-window must be positive") }
        guard allowEvery == 1 || allowWindow == 1 else { throw ValidationError("--allow-every and --allow-window do not combine") }
        guard SpilledRows.fractionRange.contains(spill) else { throw ValidationError("--spill must be 0 to 1") }
        guard let seeding = KMeansSeeding(rawValue: kmeansSeeding), kmeansIterations > 0 else { throw ValidationError("--kmeans-seeding: random or plus-plus; --kmeans-iterations positive") }
        let graph = HNSWParameters(m: m, efConstruction: efConstruction)
        do { try graph.validate() } catch { throw ValidationError("\(error)") }
        let probes = try positiveList(index == "hnsw" ? ef : nprobe, option: index == "hnsw" ? "--ef" : "--nprobe")
        let baseTable = try VectorFiles.readFloats(base)
        let queryTable = try VectorFiles.readFloats(queries)
        guard queryTable.columns == baseTable.columns else {
            throw CLIError("queries have dimension \(queryTable.columns), base has \(baseTable.columns)")
        }
        let d = baseTable.columns
        let subquantizers = index == "ivf-pq" ? (pqM ?? ProductQuantizer.defaultSubquantizers(for: d)) : nil
        if let subquantizers, !ProductQuantizer.valid(subquantizers: subquantizers, dimension: d) { throw ValidationError("--pq-m must divide the dimension \(d)") }
        progress("loaded \(baseTable.rows) × \(d) base vectors and \(queryTable.rows) queries")
        let batch = try QueryBatch(values: queryTable.values, dimension: d, metric: metric)
        var clock = monotonicSeconds()
        let flat = try FlatIndex(vectors: baseTable.values, dimension: d, metric: metric)
        var buildSeconds = monotonicSeconds() - clock
        var trainSeconds = 0.0
        var ivf: IVFIndex?
        var hnsw: HNSWIndex?
        let lists = nlist ?? IVFQuantizer.defaultNlist(for: baseTable.rows)
        if index == "hnsw" {
            clock = monotonicSeconds()
            hnsw = HNSWIndex(data: flat.data, metric: metric, parameters: graph, threads: threads)
            buildSeconds += monotonicSeconds() - clock
            progress("built the graph in \(String(format: "%.2f", monotonicSeconds() - clock)) s")
        } else if index != "flat" {
            clock = monotonicSeconds()
            let quantizer = IVFQuantizer.train(flat.data, nlist: lists, metric: metric, subquantizers: subquantizers, seeding: seeding,
                                               iterations: kmeansIterations, threads: threads)
            trainSeconds = monotonicSeconds() - clock
            ivf = IVFIndex(data: flat.data, quantizer: quantizer, sq8: index == "ivf-sq8", spill: spill, threads: threads)
            buildSeconds += monotonicSeconds() - clock
            progress("trained \(lists) lists in \(String(format: "%.2f", trainSeconds)) s")
        }
        let windowStart = baseTable.rows - (baseTable.rows + allowWindow - 1) / allowWindow
        let allowed = allowEvery > 1 ? RowSet(capacity: baseTable.rows, rows: stride(from: 0, to: baseTable.rows, by: allowEvery))
            : allowWindow > 1 ? RowSet(capacity: baseTable.rows, rows: windowStart..<baseTable.rows) : nil
        let truthIDs = try allowed.map { set in flat.search(batch, k: k, allowed: set, threads: threads).map { $0.map(\.id) } } ?? groundTruth(flat: flat, batch: batch)
        var results: [JSONValue] = []
        var last: [[VectorHit]] = []
        for p in (index == "flat" ? [0] : probes) { for r in reranks {
            var tuned = ivf
            if r > 0 { tuned?.rerank = r }
            let search: (QueryBatch) -> [[VectorHit]] = { q in
                if let hnsw { return hnsw.search(q, k: k, ef: p, allowed: allowed, threads: threads) }
                if let tuned { return tuned.search(q, k: k, nprobe: p, allowed: allowed, threads: threads) }
                return flat.search(q, k: k, allowed: allowed, threads: threads)
            }
            let (hits, batchSeconds) = bestOf(3) { search(batch) }
            last = hits
            let latencies = try singleLatencies(search, table: queryTable, metric: metric)
            var members: [JSONMember] = [
                JSONMember(index == "hnsw" ? "ef" : "nprobe", index == "flat" ? .null : .int(Int64(p))),
                JSONMember("batch_qps", .double(round(Double(batch.count) / batchSeconds, 1))),
                JSONMember("single_p50_ms", .double(round(percentile(latencies, 0.50) * 1000, 4))),
                JSONMember("single_p99_ms", .double(round(percentile(latencies, 0.99) * 1000, 4))),
                JSONMember("recall", .double(round(recall(hits, truthIDs), 5))),
            ]
            if r > 0 { members.insert(JSONMember("rerank", .int(Int64(r))), at: 1) }
            if index == "flat" {
                let flops = 2 * Double(batch.count) * Double(baseTable.rows) * Double(d)
                members.append(JSONMember("batch_gflops", .double(round(flops / batchSeconds / 1e9, 2))))
            }
            results.append(.object(members))
            progress("\(index == "hnsw" ? "ef" : "nprobe") \(p): \(JSONWriter.string(.object(members)))")
        } }
        if let out { try writeResults(last, to: out) }
        let peak = measurePeak(d)
        let summary: [(String, JSONValue)] = [
            ("index", .string(index)), ("metric", .string(metric.rawValue)), ("n", .int(Int64(baseTable.rows))),
            ("d", .int(Int64(d))), ("queries", .int(Int64(batch.count))), ("k", .int(Int64(k))), ("threads", .int(Int64(threads))), ("allow_every", .int(Int64(allowEvery))), ("allow_window", .int(Int64(allowWindow))),
            ("nlist", index == "flat" || index == "hnsw" ? .null : .int(Int64(lists))), ("spill", index == "ivf" ? .double(spill) : .null), ("m", index == "hnsw" ? .int(Int64(m)) : .null),
            ("ef_construction", index == "hnsw" ? .int(Int64(efConstruction)) : .null), ("vector_kernels", .string(VectorBenchSupport.kernelLevel)), ("train_seconds", .double(round(trainSeconds, 3))),
            ("build_seconds", .double(round(buildSeconds, 3))), ("pq_m", subquantizers.map { .int(Int64($0)) } ?? .null),
            ("index_bytes", ivf.map { .int(Int64($0.memoryBytes)) } ?? .null), ("float_bytes", .int(Int64(4 * baseTable.rows * d))), ("sgemm_gflops_peak", .double(round(peak, 1))), ("blas_core", .string(VectorBenchSupport.blasCore)), ("results", .array(results)),
        ]
        if json { print(jsonLine(summary)) } else { printTable(results, peak: peak, train: trainSeconds, build: buildSeconds) }
    }

    private func groundTruth(flat: FlatIndex, batch: QueryBatch) throws -> [[Int]] {
        if let truth {
            let t = try VectorFiles.readInts(truth)
            guard t.rows == batch.count, t.columns >= k else {
                throw CLIError("truth has \(t.rows) rows of \(t.columns); need \(batch.count) rows of at least \(k)")
            }
            return (0..<t.rows).map { r in (0..<k).map { Int(t.values[r * t.columns + $0]) } }
        }
        if index == "flat" { return [] }
        return flat.search(batch, k: k, threads: threads).map { $0.map(\.id) }
    }

    private func recall(_ hits: [[VectorHit]], _ truth: [[Int]]) -> Double {
        guard !truth.isEmpty else { return 1 }
        var found = 0
        for (q, h) in hits.enumerated() {
            let want = Set(truth[q].prefix(k))
            found += h.prefix(k).filter { want.contains($0.id) }.count
        }
        return Double(found) / Double(truth.count * k)
    }

    private func singleLatencies(_ search: (QueryBatch) -> [[VectorHit]], table: VectorFiles.Table<Float>, metric: VectorMetric) throws -> [Double] {
        let n = min(singleQueries, table.rows)
        let d = table.columns
        let singles = try (0..<n).map { i in try QueryBatch(vector: Array(table.values[(i * d)..<((i + 1) * d)]), dimension: d, metric: metric) }
        return singles.map { q in
            let start = monotonicSeconds()
            _ = search(q)
            return monotonicSeconds() - start
        }
    }

    private func bestOf<T>(_ runs: Int, _ body: () -> T) -> (T, Double) {
        var best = Double.infinity
        var value: T?
        for _ in 0..<runs {
            let start = monotonicSeconds()
            let v = body()
            best = min(best, monotonicSeconds() - start)
            value = v
        }
        return (value!, best)
    }

    private func positiveList(_ text: String, option: String) throws -> [Int] {
        try text.split(separator: ",").map { s -> Int in
            guard let p = Int(s), p > 0 else { throw ValidationError("\(option) takes positive integers, comma-separated") }
            return p
        }
    }

    private func measurePeak(_ d: Int) -> Double { VectorBenchSupport.sgemmPeak(dimension: d, threads: threads) }

    private func writeResults(_ hits: [[VectorHit]], to path: String) throws {
        var text = ""
        for (q, h) in hits.enumerated() {
            text += jsonLine([("query", .int(Int64(q))), ("ids", .array(h.map { .int(Int64($0.id)) })),
                              ("scores", .array(h.map { .double(Double($0.score)) }))]) + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func printTable(_ results: [JSONValue], peak: Double, train: Double, build: Double) {
        print("index \(index), metric \(metric), k \(k), threads \(threads): train \(String(format: "%.2f", train)) s, build \(String(format: "%.2f", build)) s, sgemm peak \(String(format: "%.1f", peak)) GFLOP/s")
        let knob = index == "hnsw" ? "ef" : "nprobe"
        print("\(knob.padding(toLength: 7, withPad: " ", startingAt: 0)) batch QPS  p50 ms  p99 ms  recall@\(k)")
        for r in results {
            func num(_ key: String) -> String {
                switch r[key] { case let .double(x)?: return String(format: "%.3f", x); case let .int(x)?: return String(x); default: return "-" }
            }
            print("\(num(knob).padding(toLength: 7, withPad: " ", startingAt: 0)) \(num("batch_qps").padding(toLength: 10, withPad: " ", startingAt: 0)) \(num("single_p50_ms").padding(toLength: 7, withPad: " ", startingAt: 0)) \(num("single_p99_ms").padding(toLength: 7, withPad: " ", startingAt: 0)) \(num("recall"))")
        }
    }

    private func progress(_ text: String) { printError(text) }
}

private func round(_ x: Double, _ places: Int) -> Double {
    let f = pow(10.0, Double(places))
    return (x * f).rounded() / f
}

private func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}
