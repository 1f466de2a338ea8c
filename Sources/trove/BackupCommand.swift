import ArgumentParser
import TroveChat
import TroveEngine
import TroveStorage

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a database into a new folder (hard links where possible), then verify the copy.",
        discussion: """
        The copy holds every write committed before the backup, each batch wholly or not at \
        all, and opens like any database. Segment files are hard-linked when both folders \
        are on one file system (they are never modified in place, so later writes to the \
        source leave the copy alone) and copied otherwise.

        This command opens the database itself, for writing, because a backup first flushes \
        the memory buffers into segments. When another process holds the database (a running \
        server), the open fails with "in use by another process": back up from within that \
        process instead: `POST /api/admin/backup` on a running server, where the backup runs \
        online while writes go on.

        With --data, the whole data folder is copied: the engine, every uploaded file's \
        bytes (blobs) and the secrets (the JWT, link-signing and data keys).
        """
    )

    @OptionGroup var database: DatabaseFolder
    @Option(help: "Back up this whole data folder (engine, blobs, secrets) instead of one database.") var data: String?
    @Option(help: "The backup folder: must not exist, or be empty.") var to: String

    func run() throws {
        if let data { return try backupDataFolder(data) }
        var options = DatabaseOptions.cli()
        options.store.backgroundMerges = false
        let db = try Database.open(at: database.db, options: options)
        let report: BackupReport
        do {
            report = try db.backup(to: to)
        } catch {
            try? db.close()
            throw error
        }
        try db.close()
        let documents = try documentCount(of: to)
        let check = try Verifier.verify(path: to)
        for note in check.notes { printError("note: \(note)") }
        for p in check.problems { print("BAD \(p.file) offset \(p.offset)\(p.length.map { " length \($0)" } ?? ""): \(p.reason)") }
        guard check.isClean else { throw ExitCode(1) }
        print("backup \(database.db) → \(to): generation \(report.generation), \(documents) documents, \(report.files) files, "
            + "\(report.linkedBytes) bytes linked, \(report.copiedBytes) bytes copied; verify ok (\(check.filesChecked) files, \(check.bytesChecked) bytes)")
    }

    private func backupDataFolder(_ data: String) throws {
        var options = DatabaseOptions()
        options.store.backgroundMerges = false
        let db = try Database.open(at: data + "/engine", options: options)
        let report: DataFolderBackup.Report
        do { report = try DataFolderBackup.run(database: db, dataFolder: data, to: to) } catch {
            try? db.close()
            throw error
        }
        try db.close()
        let check = try Verifier.verify(path: to + "/engine")
        for p in check.problems { print("BAD \(p.file) offset \(p.offset): \(p.reason)") }
        guard check.isClean else { throw ExitCode(1) }
        print("backup \(data) → \(to): engine generation \(report.engine.generation) (\(report.engine.files) files), "
            + "\(report.blobs) blobs (\(report.blobBytes) bytes), \(report.secrets) secrets; verify ok")
    }

    /// Opens the copy read-only, as a restore would, and counts its live documents.
    private func documentCount(of path: String) throws -> Int {
        let copy = try Database.open(at: path, options: .cliReadOnly())
        defer { try? copy.close() }
        return try copy.stats().documents
    }
}
