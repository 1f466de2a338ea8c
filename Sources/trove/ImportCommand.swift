import ArgumentParser
import Foundation
import TroveEngine
import TroveJSON
import TroveStorage
import TroveText

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a JSON Lines file (one object per line, `id` optional) into a collection."
    )

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection (created when missing).") var collection: String
    @Argument(help: "The JSONL file.") var file: String
    @Option(help: "Documents per atomic batch.") var batchSize = 1000
    @Option(help: "Memtable size in MiB before a flush.") var memtableMb = 64
    @Option(help: "zstd level for new segments, flushed and merged (1–19; by default 3 for flushes, 6 for merges).") var compressionLevel: Int32?
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
        var options = TroveEngine.DatabaseOptions.cli()
        options.store.memtableBytes = memtableMb << 20
        if let compressionLevel {
            guard (1...19).contains(compressionLevel) else { throw ValidationError("--compression-level must be 1 to 19") }
            options.store.compressionLevel = compressionLevel
            options.store.flushCompressionLevel = compressionLevel
        }
        options.store.backgroundMerges = !noMerges
        let db = try Database.open(at: database.db, options: options)
        try declareFields(db)
        var importerOptions = JSONLImporter.Options()
        importerOptions.batchSize = batchSize
        let importer = db.importer(into: collection, options: importerOptions)
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
            try? db.close()
            throw ExitCode(1)
        }
        if sigkillAfterImport { kill(getpid(), SIGKILL) }
        try db.close()
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

    /// Creates the collection with an engine schema holding the --text-field and
    /// --time-field fields, or adds them to its schema (documents written from now on
    /// are indexed by them).
    private func declareFields(_ db: Database) throws {
        var fields = textField.map { CollectionSchema.Field($0, .text(analyzer: analyzerKind, phrases: true)) }
        if let timeField { fields.append(CollectionSchema.Field(timeField, .timestamp)) }
        guard db.collectionNames.contains(collection) else {
            if fields.isEmpty { try db.createCollectionWithoutSchema(collection) } else { try db.createCollection(collection, schema: try CollectionSchema(fields: fields)) }
            return
        }
        guard !fields.isEmpty else { return }
        do { try db.addFields(fields, to: collection) } catch EngineError.noSchema {
            throw CLIError("collection '\(collection)' was made by an older trove; export it and import it into a new collection")
        }
    }
}
