import ArgumentParser
import TroveStorage

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure the engine (the peers run in Benchmarks/).", subcommands: [BenchGetCommand.self, BenchVectorCommand.self, BenchTextCommand.self, BenchMixedCommand.self, BenchEmbedCommand.self, BenchRetrievalCommand.self, BenchMessageSearchCommand.self])
}

struct BenchGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Random gets by id over a collection.")

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection.") var collection: String
    @Option(help: "How many gets.") var count = 200_000
    @Option(help: "Seed for the id sample.") var seed: UInt64 = 1
    @Option(help: "Block cache size in MiB.") var cacheMb = StoreOptions().blockCacheBytes >> 20
    @Option(help: "Untimed gets first (another sample), so the cache is in its steady state.") var warmup = 200_000
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        // The storage layer itself is measured (issue 2's peer is SQLite), read-only, so
        // the engine's segment extensions are not needed: nothing is written.
        var options = StoreOptions()
        options.readOnly = true
        options.backgroundMerges = false
        options.blockCacheBytes = cacheMb << 20
        let store = try Store.open(at: database.db, options: options)
        defer { try? store.close() }
        let snap = try store.snapshot()
        var ids: [String] = []
        try snap.forEach(in: collection) { ids.append($0.id); return true }
        guard !ids.isEmpty else { throw CLIError("collection '\(collection)' is empty") }
        var rng = SplitMix64(state: seed)
        let warm = (0..<warmup).map { _ in ids[Int(rng.next() % UInt64(ids.count))] }
        let sample = (0..<count).map { _ in ids[Int(rng.next() % UInt64(ids.count))] }
        ids = []
        for id in warm { _ = try snap.get(id, in: collection) }
        let started = monotonicSeconds()
        var found = 0
        for id in sample where try snap.get(id, in: collection) != nil { found += 1 }
        let seconds = monotonicSeconds() - started
        guard found == count else { throw CLIError("only \(found) of \(count) sampled ids were found") }
        let rate = Double(count) / seconds
        if json {
            print(jsonLine([("gets", .int(Int64(count))), ("seconds", .double((seconds * 1000).rounded() / 1000)), ("gets_per_sec", .double(rate.rounded()))]))
        } else {
            print("\(count) gets in \(String(format: "%.2f", seconds)) s (\(Int(rate)) gets/s)")
        }
    }
}
