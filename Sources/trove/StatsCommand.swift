import ArgumentParser
import TroveEngine
import TroveJSON
import TroveStorage

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Print collections, document counts, segments and bytes on disk as JSON.")

    @OptionGroup var database: DatabaseFolder

    func run() throws {
        let started = monotonicSeconds()
        let db = try Database.open(at: database.db, options: .cliReadOnly())
        let openSeconds = monotonicSeconds() - started
        defer { try? db.close() }
        let stats = try db.stats()
        let collections: [JSONValue] = stats.collections.map { c in
            .object([
                JSONMember("name", .string(c.name)),
                JSONMember("documents", .int(Int64(c.documents))),
                JSONMember("segments", .int(Int64(c.segments))),
                JSONMember("segment_documents", .int(Int64(c.segmentDocuments))),
                JSONMember("deleted_in_segments", .int(Int64(c.deletedInSegments))),
                JSONMember("memtable_documents", .int(Int64(c.memtableDocuments))),
                JSONMember("segment_bytes", .int(c.segmentBytes)),
            ])
        }
        print(jsonLine([
            ("path", .string(database.db)),
            ("generation", .int(Int64(stats.generation))),
            ("bytes_on_disk", .int(try db.bytesOnDisk())),
            ("open_seconds", .double((openSeconds * 1000).rounded() / 1000)),
            ("collections", .array(collections)),
        ]))
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every checksum of every file; exit 1 when any fails.")

    @OptionGroup var database: DatabaseFolder

    func run() throws {
        let report = try Verifier.verify(path: database.db)
        for note in report.notes { printError("note: \(note)") }
        for p in report.problems { print("BAD \(p.file) offset \(p.offset)\(p.length.map { " length \($0)" } ?? ""): \(p.reason)") }
        if report.isClean {
            print("ok: \(report.filesChecked) files, \(report.bytesChecked) bytes checked")
        } else {
            throw ExitCode(1)
        }
    }
}

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compact", abstract: "Merge each collection into one segment without deleted documents.")

    @OptionGroup var database: DatabaseFolder

    func run() throws {
        var options = TroveEngine.DatabaseOptions.cli()
        options.store.backgroundMerges = false
        let db = try Database.open(at: database.db, options: options)
        let before = try db.bytesOnDisk()
        let started = monotonicSeconds()
        try db.compact()
        try db.close()
        let after = try FileSizes.total(database.db)
        print("compacted in \(String(format: "%.2f", monotonicSeconds() - started)) s: \(before) → \(after) bytes")
    }
}
