import ArgumentParser
import Foundation
import TroveEngine
import TroveJSON
import TroveStorage

/// Issue 5's mixed workload: chat messages with embeddings in a tenant-scoped collection;
/// text + time, vector and hybrid queries from concurrent tasks, first alone ("quiet"),
/// then while another task ingests at a steady rate ("ingest"). Reports each query type's
/// latency percentiles in both phases, their p99 ratio (goal ≤ 2×) and the ingest rate held.
struct BenchMixedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mixed", abstract: "Benchmark queries with and without concurrent ingest (engine, tenant-scoped collection).")

    @Option(help: "A fresh database folder (created; must be missing or empty).") var db: String
    @Option(help: "Messages loaded before the measured phases.") var messages = 1_000_000
    @Option(help: "Embedding dimension.") var dim = 384
    @Option(help: "Users (tenants).") var users = 1000
    @Option(help: "Messages per load batch (written as one put per owner in it).") var batch = 2000
    @Option(help: "Seconds of each measured phase.") var seconds = 30
    @Option(help: "Messages per second during the ingest phase, sent as R/20 every 50 ms.") var ingestRate = 1000
    @Option(help: "Concurrent query tasks (each runs text, vector, hybrid in turn).") var queryTasks = 2
    @Option(help: "Queries per second, all tasks together, on a fixed schedule (0: each task back to back, saturating the CPU).") var queryRate = 300
    @Option(help: "Untimed seconds of queries before the quiet phase.") var warmup = 5
    @Flag(inversion: .prefixedNo, help: "Compact after the load (else flush and wait for merges to go quiet).") var compact = true
    @Option(help: "Seed of messages and queries.") var seed: UInt64 = 1
    @Flag(help: "Print one JSON object (the table goes to standard error).") var json = false

    func validate() throws {
        guard messages > 0, users > 0, batch > 0, seconds > 0, ingestRate > 0, queryTasks > 0, warmup >= 0, queryRate >= 0 else {
            throw ValidationError("--messages, --users, --batch, --seconds, --ingest-rate and --query-tasks must be positive, --warmup not negative")
        }
        guard (1...65_536).contains(dim) else { throw ValidationError("--dim must be in 1...65536") }
    }

    func run() async throws {
        try Self.prepareFolder(db)
        let config = MixedConfig(folder: db, messages: messages, dim: dim, users: users, batch: batch, seconds: seconds,
                                 ingestRate: ingestRate, queryTasks: queryTasks, queryRate: queryRate, warmup: warmup, compact: compact, seed: seed, json: json)
        try await MixedBench(config: config).run()
    }

    static func prepareFolder(_ path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            guard (try fm.contentsOfDirectory(atPath: path)).isEmpty else { throw CLIError("--db \(path) is not empty: the benchmark needs a fresh folder") }
        } else {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }
}

struct MixedConfig: Sendable {
    var folder: String
    var messages, dim, users, batch, seconds, ingestRate, queryTasks, queryRate, warmup: Int
    var compact: Bool
    var seed: UInt64
    var json: Bool
}

/// One run: load, settle, warm up, the quiet phase, the ingest phase, the report.
struct MixedBench: Sendable {
    let config: MixedConfig
    let workload: MixedWorkload

    init(config: MixedConfig) {
        self.config = config
        workload = MixedWorkload(messages: config.messages, dimension: config.dim, users: config.users, seed: config.seed)
    }

    private enum TaskOutput: Sendable {
        case queries(LatencyLog)
        case ingest(IngestResult)
    }

    func run() async throws {
        // The load is a bulk import: the log is synced every 200 ms rather than per put.
        // The measured phases reopen the database with the default options (synced puts).
        var loadOptions = TroveEngine.DatabaseOptions()
        loadOptions.store.durability = .interval(milliseconds: 200)
        let loader = try Database.open(at: config.folder, options: loadOptions)
        try loader.createCollection(MixedWorkload.collection, schema: CollectionSchema(jsonText: workload.schemaJSON))
        let loadSeconds = try await load(loader)
        let settleSeconds = try await settle(loader)
        try loader.close()

        let db = try Database.open(at: config.folder)
        let folderBytes = try FileSizes.total(config.folder)
        let segments = try db.segmentCount(of: MixedWorkload.collection)
        if config.warmup > 0 {
            progress("warm-up: \(config.warmup) s of queries (not timed)")
            _ = try await phase(db, seconds: config.warmup, ingest: false, stream: 10)
        }
        progress("quiet phase: \(config.seconds) s, \(config.queryTasks) query tasks, \(config.queryRate > 0 ? "\(config.queryRate) queries/s" : "back to back")")
        let quiet = try await phase(db, seconds: config.seconds, ingest: false, stream: 11)
        progress("ingest phase: \(config.seconds) s, \(config.queryTasks) query tasks + ingest at \(config.ingestRate)/s")
        let loaded = try await phase(db, seconds: config.seconds, ingest: true, stream: 12)
        let segmentsEnd = try db.segmentCount(of: MixedWorkload.collection)
        try db.close()
        let folderBytesEnd = try FileSizes.total(config.folder)

        let setup = MixedReport.Setup(loadSeconds: loadSeconds, settleSeconds: settleSeconds, folderBytes: folderBytes,
                                      segments: segments, segmentsEnd: segmentsEnd, folderBytesEnd: folderBytesEnd)
        let report = MixedReport(config: config, setup: setup, quiet: quiet, ingest: loaded)
        if config.json {
            printError(report.table())
            print(jsonLine(report.json()))
        } else {
            print(report.table())
        }
    }

    // MARK: Load

    /// Writes messages 0..<messages in order, `batch` at a time, one put per owner in a
    /// batch (a tenant-scoped put holds one tenant's documents). Returns the seconds taken.
    private func load(_ db: Database) async throws -> Double {
        progress("loading \(config.messages) messages (\(config.dim)-d, \(config.users) users) into \(config.folder)")
        let clock = ContinuousClock()
        let start = clock.now
        var next = 0, reported = 0
        while next < config.messages {
            let end = min(config.messages, next + config.batch)
            let groups = Dictionary(grouping: (next..<end).map { workload.message($0) }, by: { $0.owner })
            for owner in groups.keys.sorted() {
                try await db.put((groups[owner] ?? []).map(\.document), in: MixedWorkload.collection, tenant: owner)
            }
            next = end
            if next * 10 / config.messages > reported {
                reported = next * 10 / config.messages
                let s = Self.seconds(start.duration(to: clock.now))
                progress("  \(next) messages, \(Int(Double(next) / max(s, 1e-9))) docs/s")
            }
        }
        return Self.seconds(start.duration(to: clock.now))
    }

    /// Leaves no merge due, so neither measured phase pays for the load's merges. Compact
    /// (default): one segment; it takes the merge lock, so it also waits for a background
    /// merge still running. --no-compact: flush, then wait until the segment count and the
    /// folder's bytes stay the same for 15 s (at most 15 min); a merge that is training
    /// IVF centroids writes nothing for a while, so this is best effort.
    private func settle(_ db: Database) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        if config.compact {
            progress("compacting")
            try db.compact()
        } else {
            progress("flushing and waiting for merges to go quiet")
            try db.flush()
            var lastSegments = -1, lastBytes: Int64 = -1, stable = 0
            while stable < 15 && Self.seconds(start.duration(to: clock.now)) < 900 {
                try await Task.sleep(for: .seconds(1))
                let segments = try db.segmentCount(of: MixedWorkload.collection)
                let bytes = try FileSizes.total(config.folder)
                stable = segments == lastSegments && bytes == lastBytes ? stable + 1 : 0
                (lastSegments, lastBytes) = (segments, bytes)
            }
        }
        return Self.seconds(start.duration(to: clock.now))
    }

    // MARK: Phases

    /// `queryTasks` query loops for `seconds`, with the ingest loop beside them when `ingest`.
    private func phase(_ db: Database, seconds: Int, ingest: Bool, stream: UInt64) async throws -> PhaseResult {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let workload = self.workload, config = self.config
        return try await withThrowingTaskGroup(of: TaskOutput.self, returning: PhaseResult.self) { group in
            for t in 0..<config.queryTasks {
                let seed = MixedWorkload.generator(config.seed, index: UInt64(t), stream: stream).state
                group.addTask(priority: .medium) {
                    let interval: Duration? = config.queryRate > 0 ? .nanoseconds(1_000_000_000 * Int64(config.queryTasks) / Int64(config.queryRate)) : nil
                    let log = try await Self.queryLoop(db, workload, seed: seed, first: t, interval: interval, until: deadline)
                    return .queries(log)
                }
            }
            if ingest {
                let seed = MixedWorkload.generator(config.seed, index: 0, stream: stream + 100).state
                group.addTask(priority: .high) {
                    let done = try await Self.ingestLoop(db, workload, rate: config.ingestRate, firstID: config.messages, seed: seed, until: deadline)
                    return .ingest(done)
                }
            }
            var result = PhaseResult(seconds: Double(seconds))
            for try await output in group {
                switch output {
                case let .queries(log): result.log.merge(log)
                case let .ingest(r): result.ingest = r
                }
            }
            return result
        }
    }

    /// Text, vector and hybrid queries in turn (starting at `first`) until the deadline.
    /// With an `interval`, queries go out on a fixed schedule and each is timed from when
    /// it was due (a late start counts against it); without, back to back. Yields between
    /// queries so the ingest task gets a thread on time: the engine's calls do not
    /// suspend, and the pool has one thread per core.
    private static func queryLoop(_ db: Database, _ workload: MixedWorkload, seed: UInt64, first: Int, interval: Duration?,
                                  until deadline: ContinuousClock.Instant) async throws -> LatencyLog {
        let clock = ContinuousClock()
        let kinds = QueryKind.allCases
        var rng = SplitMix64(state: seed)
        var log = LatencyLog()
        var i = first
        // Tasks start spread over one interval so their schedules interleave.
        var due = clock.now + (interval ?? .zero) * Double(first) / 7
        while clock.now < deadline {
            let kind = kinds[i % kinds.count]
            i += 1
            let (query, tenant) = workload.query(kind, rng: &rng)
            if let interval {
                try await clock.sleep(until: due)
            } else {
                due = clock.now
            }
            let start = due
            if let interval { due = due + interval }
            let page = try await db.search(query, in: MixedWorkload.collection, tenant: tenant)
            log.record(kind, micros: micros(start.duration(to: clock.now)), hits: page.hits.count)
            await Task.yield()
        }
        return log
    }

    /// One user's batch every 50 ms on a fixed schedule, `rate`/20 messages each (the
    /// remainder spread over the slots). A slot more than 50 ms overdue is dropped, not
    /// sent in a burst: the result tells what was held.
    private static func ingestLoop(_ db: Database, _ workload: MixedWorkload, rate: Int, firstID: Int, seed: UInt64,
                                   until deadline: ContinuousClock.Instant) async throws -> IngestResult {
        let clock = ContinuousClock()
        let tick = Duration.milliseconds(50)
        var rng = SplitMix64(state: seed)
        var result = IngestResult()
        var slot = 0
        var due = clock.now
        while due < deadline {
            try await clock.sleep(until: due)
            let count = (slot + 1) * rate / 20 - slot * rate / 20
            if count > 0 {
                let owner = Int(rng.next() % UInt64(workload.users))
                let docs = workload.batch(first: firstID + result.docs, count: count, owner: owner)
                let start = clock.now
                try await db.put(docs, in: MixedWorkload.collection, tenant: workload.ownerName(owner))
                result.putMicros.append(micros(start.duration(to: clock.now)))
                result.docs += count
                result.batches += 1
            }
            slot += 1
            due = due + tick
            let now = clock.now
            while due + tick <= now {
                slot += 1
                due = due + tick
                result.skippedSlots += 1
            }
        }
        return result
    }

    static func micros(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) * 1e6 + Double(c.attoseconds) / 1e12
    }

    static func seconds(_ d: Duration) -> Double { micros(d) / 1e6 }

    private func progress(_ text: String) { printError(text) }
}

/// The figures of a run, as a table and as one JSON object.
struct MixedReport {
    struct Setup {
        var loadSeconds, settleSeconds: Double
        var folderBytes: Int64
        var segments, segmentsEnd: Int
        var folderBytesEnd: Int64
    }

    let config: MixedConfig
    let setup: Setup
    let quiet: PhaseResult
    let ingest: PhaseResult

    struct Stats {
        var count: Int
        var p50, p95, p99, qps, hitsPerQuery: Double
    }

    static func stats(_ phase: PhaseResult, _ kind: QueryKind) -> Stats {
        let sorted = phase.log.micros[kind.rawValue].sorted()
        let n = sorted.count
        func pct(_ p: Double) -> Double { n == 0 ? 0 : sorted[min(n - 1, Int(Double(n) * p))] / 1000 }
        return Stats(count: n, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), qps: Double(n) / phase.seconds,
                     hitsPerQuery: n == 0 ? 0 : Double(phase.log.hits[kind.rawValue]) / Double(n))
    }

    /// Ingest-phase p99 over quiet-phase p99; nil without figures.
    func ratio(_ kind: QueryKind) -> Double? {
        let q = Self.stats(quiet, kind).p99, i = Self.stats(ingest, kind).p99
        return q > 0 && Self.stats(ingest, kind).count > 0 ? i / q : nil
    }

    var goalMet: Bool { QueryKind.allCases.allSatisfy { (ratio($0) ?? .infinity) <= 2 } }
    var loadRate: Double { Double(config.messages) / max(setup.loadSeconds, 1e-9) }
    var achievedRate: Double { Double(ingest.ingest?.docs ?? 0) / ingest.seconds }

    func json() -> [(String, JSONValue)] {
        let put = (ingest.ingest?.putMicros ?? []).sorted()
        func putPct(_ p: Double) -> JSONValue { put.isEmpty ? .null : .double(r3(put[min(put.count - 1, Int(Double(put.count) * p))] / 1000)) }
        return [
            ("benchmark", .string("mixed")), ("messages", .int(Int64(config.messages))), ("dim", .int(Int64(config.dim))),
            ("users", .int(Int64(config.users))), ("batch", .int(Int64(config.batch))), ("seed", .int(Int64(bitPattern: config.seed))),
            ("query_tasks", .int(Int64(config.queryTasks))), ("query_rate", .int(Int64(config.queryRate))), ("phase_seconds", .int(Int64(config.seconds))),
            ("cores", .int(Int64(ProcessInfo.processInfo.activeProcessorCount))),
            ("load_seconds", .double(r3(setup.loadSeconds))), ("load_docs_per_sec", .double(r3(loadRate))),
            ("load_durability", .string("interval-200ms")), ("settle", .string(config.compact ? "compact" : "flush-and-wait")),
            ("settle_seconds", .double(r3(setup.settleSeconds))), ("folder_bytes", .int(setup.folderBytes)),
            ("segments", .int(Int64(setup.segments))), ("segments_end", .int(Int64(setup.segmentsEnd))),
            ("folder_bytes_end", .int(setup.folderBytesEnd)),
            ("phases", object([("quiet", phaseJSON(quiet)), ("ingest", phaseJSON(ingest))])),
            ("ingest_target_per_sec", .int(Int64(config.ingestRate))), ("ingest_achieved_per_sec", .double(r3(achievedRate))),
            ("ingest_docs", .int(Int64(ingest.ingest?.docs ?? 0))), ("ingest_batches", .int(Int64(ingest.ingest?.batches ?? 0))),
            ("ingest_skipped_slots", .int(Int64(ingest.ingest?.skippedSlots ?? 0))),
            ("ingest_put_p50_ms", putPct(0.5)), ("ingest_put_p99_ms", putPct(0.99)),
            ("p99_ratio", object(QueryKind.allCases.map { k -> (String, JSONValue) in (k.name, ratioJSON(k)) })),
            ("goal_max_p99_ratio", .double(2)), ("goal_met", .bool(goalMet)),
        ]
    }

    private func ratioJSON(_ kind: QueryKind) -> JSONValue {
        guard let r = ratio(kind) else { return .null }
        return .double(r3(r))
    }

    private func ratioText(_ kind: QueryKind) -> String {
        guard let r = ratio(kind) else { return "n/a" }
        return f(r, 2) + "x"
    }

    private func phaseJSON(_ phase: PhaseResult) -> JSONValue {
        var members: [(String, JSONValue)] = [("seconds", .double(phase.seconds)),
                                              ("queries", .int(Int64(phase.log.micros.reduce(0) { $0 + $1.count })))]
        for kind in QueryKind.allCases {
            let s = Self.stats(phase, kind)
            members.append((kind.name, object([
                ("count", .int(Int64(s.count))), ("p50_ms", .double(r3(s.p50))), ("p95_ms", .double(r3(s.p95))),
                ("p99_ms", .double(r3(s.p99))), ("qps", .double(r3(s.qps))), ("hits_per_query", .double(r3(s.hitsPerQuery))),
            ])))
        }
        return object(members)
    }

    func table() -> String {
        var lines = [
            "load: \(config.messages) messages (\(config.dim)-d, \(config.users) users) in \(f(setup.loadSeconds, 1)) s = \(f(loadRate, 0)) docs/s; "
                + "\(config.compact ? "compaction" : "settling") \(f(setup.settleSeconds, 1)) s; \(f(Double(setup.folderBytes) / 1e9, 2)) GB on disk, \(setup.segments) segment(s)",
            pad("phase", 8) + pad("type", 8) + lpad("count", 8) + lpad("p50 ms", 10) + lpad("p95 ms", 10) + lpad("p99 ms", 10) + lpad("qps", 9) + lpad("hits", 7),
        ]
        for (name, phase) in [("quiet", quiet), ("ingest", ingest)] {
            for kind in QueryKind.allCases {
                let s = Self.stats(phase, kind)
                lines.append(pad(name, 8) + pad(kind.name, 8) + lpad("\(s.count)", 8) + lpad(f(s.p50, 3), 10) + lpad(f(s.p95, 3), 10)
                             + lpad(f(s.p99, 3), 10) + lpad(f(s.qps, 1), 9) + lpad(f(s.hitsPerQuery, 1), 7))
            }
        }
        let r = ingest.ingest
        lines.append("ingest: target \(config.ingestRate)/s, held \(f(achievedRate, 1))/s (\(r?.docs ?? 0) docs in \(r?.batches ?? 0) puts, \(r?.skippedSlots ?? 0) slots dropped)")
        let ratios = QueryKind.allCases.map { k in k.name + " " + ratioText(k) }
        lines.append("p99 ingest/quiet: " + ratios.joined(separator: ", ") + " — goal ≤ 2x " + (goalMet ? "met" : "NOT met"))
        return lines.joined(separator: "\n")
    }

    private func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(members.map { JSONMember($0.0, $0.1) }) }
    private func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
    private func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    private func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
