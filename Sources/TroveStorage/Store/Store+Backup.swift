#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `Store.backup(to:)` put into its destination.
public struct BackupReport: Sendable, Equatable {
    /// The manifest generation the copy holds.
    public let generation: UInt64
    /// Files written into the destination: segments, delete files and the manifest.
    public let files: Int
    /// Bytes shared with the source through hard links.
    public let linkedBytes: Int64
    /// Bytes copied because the file system refused a hard link.
    public let copiedBytes: Int64
}

extension Store {
    /// Writes a consistent copy of the database into `destination` (a folder that must not
    /// exist or must be empty) while other threads go on reading and writing.
    ///
    /// The copy holds every batch committed before the call, and each batch wholly or not
    /// at all: the memtables are flushed and the state captured under the writer lock, so
    /// the copy is one manifest generation. Segment and delete files are hard-linked where
    /// the file system allows it (they are never modified in place), copied otherwise.
    /// The copy opens with `Store.open` and needs no log. Needs a store opened for writing.
    public func backup(to destination: String) throws -> BackupReport {
        let destination = Self.trimmingTrailingSlashes(destination)
        if options.readOnly {
            throw StorageError.invalidArgument("backup flushes the memtables first: open the store for writing")
        }
        let created = try Self.prepareBackupDestination(destination)
        var files = BackupFiles(source: path, destination: destination)
        do {
            let manifest = try copyCapturedState(into: &files)
            // Links first, durably, then the manifest that names them, as a flush does.
            try fs.syncDirectory(destination)
            try manifest.write(directory: destination, fileSystem: fs)
            if created { try fs.syncDirectory(Self.parentDirectory(of: destination)) }
            return BackupReport(generation: manifest.generation, files: files.placed.count + 1,
                                linkedBytes: files.linkedBytes, copiedBytes: files.copiedBytes)
        } catch {
            // The destination was empty: everything in it now is this backup's. The manifest
            // goes first, so that what is left never looks like a database.
            fs.remove(destination + "/" + Manifest.fileName)
            fs.remove(destination + "/" + Manifest.fileName + ".tmp")
            files.removePlaced()
            if created { _ = rmdir(destination) }
            throw error
        }
    }

    /// Flushes, captures the published state as a manifest, and places every file it
    /// names into the backup; returns the manifest for the copy.
    private func copyCapturedState(into files: inout BackupFiles) throws -> Manifest {
        let (state, manifest) = try withWriter { () throws -> (StoreState, Manifest) in
            try flushLocked(force: true)
            let state = published.withLock { $0 }
            try Self.checkFullyFlushed(state)
            var manifest = try manifestForWrite(state)
            manifest.generation = state.generation
            // Delete files are removed as soon as a flush or merge replaces them, whatever
            // snapshots still hold: they are placed while no writer can run.
            for name in manifest.deleteFileNames { try files.place(name) }
            return (state, manifest)
        }
        // A retired segment's file is removed only when the last reader of it goes away,
        // and `state` holds a reader of each: merges may run meanwhile without the lock.
        try withExtendedLifetime(state) {
            for name in manifest.segmentFileNames { try files.place(name) }
        }
        return manifest
    }

    /// After a successful flush every committed write is in a segment or a delete file;
    /// anything else would make the copy miss acknowledged writes.
    private static func checkFullyFlushed(_ state: StoreState) throws(StorageError) {
        for c in state.collections.values where c.memtableCount > 0 || c.segments.contains(where: { $0.deletesDirty }) {
            throw .invalidArgument("backup: collection '\(c.name)' still holds unflushed writes after a flush")
        }
    }

    /// Refuses a destination that holds anything, so a backup never mixes with other
    /// files; creates it when missing. Returns whether it was created.
    static func prepareBackupDestination(_ destination: String) throws(StorageError) -> Bool {
        guard !destination.isEmpty else { throw .invalidArgument("backup destination is empty") }
        guard localFiles.exists(destination) else {
            try localFiles.createDirectory(destination)
            return true
        }
        guard localFiles.isDirectory(destination) else {
            throw .invalidArgument("backup destination \(destination) exists and is not a directory")
        }
        guard try localFiles.list(destination).isEmpty else {
            throw .invalidArgument("backup destination \(destination) is not empty")
        }
        return false
    }

    /// The folder whose entry for `path` must be synced after `path` is created.
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func trimmingTrailingSlashes(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}

/// Places files of one folder into another, by hard link where the file system allows
/// (the files must never be modified in place: segments, blobs), by durable copy where not.
/// Names may hold subfolders, which must exist in the destination.
public struct BackupFiles {
    let source: String
    let destination: String
    /// Names placed so far (removed again when the backup fails).
    private(set) var placed: [String] = []
    public private(set) var linkedBytes: Int64 = 0
    public private(set) var copiedBytes: Int64 = 0

    public init(source: String, destination: String) {
        self.source = source
        self.destination = destination
    }

    public mutating func place(_ name: String) throws(StorageError) {
        let from = source + "/" + name, to = destination + "/" + name
        if posixLink(from, to) == 0 {
            placed.append(name)
            linkedBytes += localFiles.fileSize(to)
            return
        }
        let code = errno
        // Another file system (EXDEV), one without hard links (EPERM), or a file at its
        // link limit (EMLINK): a copy is as good, only slower.
        guard code == EXDEV || code == EPERM || code == EMLINK else {
            throw .io(path: from, operation: "link to \(to)", errno: code)
        }
        placed.append(name)
        copiedBytes += try Self.copy(from, to: to)
    }

    /// Copies a whole file durably; returns its size.
    private static func copy(_ from: String, to: String) throws(StorageError) -> Int64 {
        let source = try MappedFile(path: from)
        let out = try localFiles.open(to, mode: .create)
        try out.append(source.bytes)
        try out.sync()
        return Int64(source.count)
    }

    public func removePlaced() {
        for name in placed { localFiles.remove(destination + "/" + name) }
    }
}

extension Manifest {
    /// The segment files the manifest names.
    fileprivate var segmentFileNames: [String] {
        collections.flatMap { c in c.segments.map { FileNames.segment($0.number) } }
    }

    /// The delete files the manifest names.
    fileprivate var deleteFileNames: [String] {
        collections.flatMap { c in c.segments.filter { $0.deleteFile != 0 }.map { FileNames.deletes($0.deleteFile) } }
    }
}

#if canImport(Glibc)
private func posixLink(_ from: String, _ to: String) -> Int32 { Glibc.link(from, to) }
#else
private func posixLink(_ from: String, _ to: String) -> Int32 { Darwin.link(from, to) }
#endif

/// Backups and the helpers the chat layer shares place files with the real file system.
private let localFiles = LocalFileSystem()
