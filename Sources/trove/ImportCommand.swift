import ArgumentParser
import Foundation
import TroveStorage
import TroveText

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a JSON Lines file (one object per line, `id` optional) into a collection."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection (created when missing).") var collection: String
    @Argument(help: "The JSONL file.") var file: String
    @Option(help: "Documents per atomic batch.") var batchSize = 1000
    @Option(help: "Memtable size in MiB before a flush.") var memtableMb = 64
    @Option(help: "zstd level for new segments (1–19).") var compressionLevel: Int32 = StoreOptions().compressionLevel
    @Option(help: "A field to index for full-text search (repeatable).") var textField: [String] = []
    @Option(help: "Analyzer of --text-field: standard, english or keyword.") var analyzer = "english"
    @Option(help: "A numeric or timestamp field for time ranges and sorting.") var timeField: String?
    @Flag(help: "Print a JSON summary instead of a sentence.") var json = false

    var analyzerKind: Analyzer { Analyzer(rawValue: analyzer) ?? .english }
    @Flag(help: .hidden) var reportAcks = false
    @Flag(help: .hidden) var sigkillAfterImport = false
    @Flag(help: .hidden) var noMerges = false

    func run() throws {
        guard batchSize > 0, memtableMb > 0 else { throw ValidationError("--batch-size and --memtable-mb must be positive") }
        guard Analyzer(rawValue: analyzer) != nil else { throw ValidationError("--analyzer must be standard, english or keyword") }
        var options = StoreOptions.cli()
        options.memtableBytes = memtableMb << 20
        guard (1...19).contains(compressionLevel) else { throw ValidationError("--compression-level must be 1 to 19") }
        options.compressionLevel = compressionLevel
        options.backgroundMerges = !noMerges
        let store = try Store.open(at: database.db, options: options)
        let schema = TextSchema(text: textField.map { TextFieldSpec(field: $0, analyzer: analyzerKind) }, numeric: timeField.map { [NumericFieldSpec(field: $0)] } ?? [])
        if !(try store.snapshot().collectionNames.contains(collection)) {
            try store.createCollection(collection, metadata: schema.isEmpty ? [] : schema.metadata)
        } else if !schema.isEmpty {
            // Declaring fields later works for documents written from now on.
            var merged = TextSchema(metadata: try store.snapshot().metadata(of: collection))
            for f in schema.text where !merged.text.contains(where: { $0.field == f.field }) { merged.text.append(f) }
            for f in schema.numeric where !merged.numeric.contains(f) { merged.numeric.append(f) }
            try store.setMetadata(merged.metadata, for: collection)
        }
        var importerOptions = JSONLImporter.Options()
        importerOptions.batchSize = batchSize
        let importer = JSONLImporter(store: store, collection: collection, options: importerOptions)
        let started = monotonicSeconds()
        let out = StandardOutput()
        var lastProgress = started
        let total: Int
        do {
            total = try importer.run(path: file) { ids, total in
                if reportAcks {
                    for id in ids { out.line(id) }
                    out.flush()
                }
                if stderrIsTerminal, monotonicSeconds() - lastProgress > 0.2 {
                    lastProgress = monotonicSeconds()
                    let rate = Double(total) / max(lastProgress - started, 1e-9)
                    FileHandle.standardError.write("\r\u{1B}[Kimported \(total) documents (\(Int(rate)) docs/s)".data(using: .utf8)!)
                }
            }
        } catch let failure as JSONLImporter.Failure {
            if stderrIsTerminal { printError("") }
            for e in failure.errors { printError("\(file): \(e)") }
            printError("import stopped: lines \(failure.batchFirstLine)–\(failure.batchLastLine) were rejected as one batch and nothing of it was written; \(failure.imported) documents from earlier lines were imported")
            try? store.close()
            throw ExitCode(1)
        }
        if sigkillAfterImport { kill(getpid(), SIGKILL) }
        try store.close()
        let seconds = monotonicSeconds() - started
        if stderrIsTerminal { printError("") }
        let rate = Double(total) / max(seconds, 1e-9)
        if reportAcks {
            // Standard output carries only acknowledged ids in this mode.
            printError("imported \(total) documents")
        } else if json {
            print(jsonLine([("imported", .int(Int64(total))), ("seconds", .double((seconds * 1000).rounded() / 1000)), ("docs_per_sec", .double(rate.rounded()))]))
        } else {
            print("imported \(total) documents into '\(collection)' in \(String(format: "%.2f", seconds)) s (\(Int(rate)) docs/s)")
        }
    }
}
