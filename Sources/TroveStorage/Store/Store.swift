import Foundation
import Synchronization

/// A database folder: collections of documents, durable through a write-ahead log,
/// stored in immutable segments, read through consistent snapshots.
///
/// One writer at a time (group commit batches concurrent writers into one fsync);
/// any number of readers, which never wait for a flush or a merge.
public final class Store: @unchecked Sendable {
    public let path: String
    public let options: StoreOptions
    let cache: BlockCache
    let lock: DatabaseLock

    /// The published state; readers copy it.
    let published: Mutex<StoreState>
    /// Held by the one thread that writes the log, applies, flushes or installs a merge.
    let writerLock = NSLock()
    /// Held while a merge or compaction runs: one at a time.
    let mergeLock = NSLock()
    /// Writes waiting for the next group commit.
    let pending = Mutex<[PendingCommit]>([])
    let fileNumbers: Mutex<UInt64>
    let closed = Atomic<Bool>(false)

    // Guarded by writerLock.
    var wal: WALWriter?
    var walNumber: UInt64
    var lastSync = ContinuousClock.now
    var unsynced = false
    var poisoned: StorageError?

    /// Segment extensions the manifest requires (see `SegmentExtension.name`).
    var requiredExtensions: [String] = []

    var merger: MergeScheduler?
    var syncTimer: SyncTimer?
    /// The background flush running, if any (guarded by writerLock), and where it runs.
    var flushing: FlushJob?
    let flushQueue = DispatchQueue(label: "trove-flush")
    /// Per collection, the dictionary its flushes compress with and how many used it.
    let flushDictionaries = Mutex(FlushDictionary.Kept())

    init(path: String, options: StoreOptions, lock: DatabaseLock, cache: BlockCache, state: StoreState, nextFile: UInt64, walNumber: UInt64) {
        self.path = path
        self.options = options
        self.lock = lock
        self.cache = cache
        published = Mutex(state)
        fileNumbers = Mutex(nextFile)
        self.walNumber = walNumber
    }

    /// Opens (creating when needed) the database at `path` and replays its log.
    public static func open(at path: String, options: StoreOptions = StoreOptions()) throws -> Store {
        let store = try Recovery(path: path, options: options).run()
        for e in options.extensions { try e.storeDidOpen(store.snapshot()) }
        if !options.readOnly && options.backgroundMerges {
            store.merger = MergeScheduler(store: store)
            store.merger?.start()
            store.merger?.wake()
        }
        if !options.readOnly, case let .interval(ms) = options.durability {
            store.syncTimer = SyncTimer(store: store, milliseconds: max(1, ms))
        }
        return store
    }

    /// A consistent view of every collection as of now.
    public func snapshot() throws(StorageError) -> Snapshot {
        if closed.load(ordering: .acquiring) { throw .closed }
        return Snapshot(state: published.withLock { $0 })
    }

    /// The document with `id` in `collection`, or nil.
    public func get(_ id: String, in collection: String) throws -> Document? {
        try snapshot().get(id, in: collection)
    }

    func allocateFileNumber() -> UInt64 {
        fileNumbers.withLock { n in
            defer { n += 1 }
            return n
        }
    }

    func filePath(_ name: String) -> String { path + "/" + name }

    /// The file system the store's files live on.
    var fs: any FileSystem { options.fileSystem }

    /// Creates an empty collection. `metadata` is kept for higher layers (a schema).
    public func createCollection(_ name: String, metadata: [UInt8] = []) throws {
        guard !name.isEmpty, name.utf8.count <= 255, !name.contains("/") else {
            throw StorageError.invalidArgument("collection name must be 1 to 255 bytes without '/'")
        }
        try withWriter {
            var state = published.withLock { $0 }
            if state.ids[name] != nil { throw StorageError.collectionExists(name) }
            var manifest = try manifestForWrite(state)
            guard manifest.nextCollectionID < UInt32.max - 1 else { throw StorageError.invalidArgument("no collection ids are left in this database") }
            let id = manifest.nextCollectionID
            manifest.nextCollectionID += 1
            manifest.collections.append(Manifest.Collection(id: id, name: name, metadata: metadata, segments: []))
            try manifest.write(directory: path, fileSystem: fs)
            state.generation = manifest.generation
            state.collections[id] = CollectionState(id: id, name: name, metadata: metadata, segments: [], memtable: Memtable(), memtableCount: 0, memtableDeletes: DeleteSet())
            state.ids[name] = id
            nextCollectionID = manifest.nextCollectionID
            publish(state)
        }
    }

    /// Replaces a collection's metadata (for example when a field is added to its schema).
    public func setMetadata(_ metadata: [UInt8], for name: String) throws {
        try withWriter {
            var state = published.withLock { $0 }
            guard let id = state.ids[name], var c = state.collections[id] else { throw StorageError.unknownCollection(name) }
            c.metadata = metadata
            state.collections[id] = c
            let manifest = try manifestForWrite(state)
            try manifest.write(directory: path, fileSystem: fs)
            state.generation = manifest.generation
            publish(state)
        }
    }

    /// Removes a collection and, once no snapshot holds them, its files.
    public func dropCollection(_ name: String) throws {
        try withWriter {
            var state = published.withLock { $0 }
            guard let id = state.ids[name], let c = state.collections[id] else { throw StorageError.unknownCollection(name) }
            state.collections[id] = nil
            state.ids[name] = nil
            let manifest = try manifestForWrite(state)
            try manifest.write(directory: path, fileSystem: fs)
            state.generation = manifest.generation
            publish(state)
            flushDictionaries.withLock { $0.byCollection[id] = nil }
            for s in c.segments {
                s.reader.retire()
                if s.deleteFile != 0 { fs.remove(filePath(FileNames.deletes(s.deleteFile))) }
            }
        }
    }

    var nextCollectionID: UInt32 = 1

    func publish(_ state: StoreState) {
        published.withLock { current in
            var next = state
            next.version = current.version + 1
            current = next
        }
    }

    /// Runs `body` as the writer, refusing when the store is closed, read-only or broken.
    func withWriter<R>(_ body: () throws -> R) throws -> R {
        writerLock.lock()
        defer { writerLock.unlock() }
        try checkWritable()
        return try body()
    }

    /// Throws unless writes are allowed. Call as the writer. After a failed log write,
    /// flush or merge install, the files may disagree with memory, so writes wait until
    /// `resume()` has written everything acknowledged into a new state on disk.
    func checkWritable() throws {
        if closed.load(ordering: .acquiring) { throw StorageError.closed }
        if options.readOnly { throw StorageError.invalidArgument("the store was opened read-only") }
        try resume()
    }

    /// Recovers from a failure without a restart: a flush puts every acknowledged write
    /// (all of them are in memory) into new segments and starts a new log, and the manifest
    /// that names them replaces whatever the failed step left, so a torn log record or a
    /// half-written flush is never read again. Tried on each write until it succeeds, so
    /// writes resume once the cause (a full disk, an I/O error) clears. Call as the writer.
    func resume() throws {
        guard poisoned != nil else { return }
        // A background flush still running is given up (it finds the store poisoned):
        // this flush writes everything from memory.
        awaitBackgroundFlush()
        guard let cause = poisoned else { return }
        do {
            try flushUnguarded(force: true, rotateLog: true)
            poisoned = nil
        } catch {
            var code: Int32?
            if case let StorageError.io(_, _, errno) = error { code = errno }
            throw StorageError.writesSuspended(cause: cause.description, retry: "\(error)", errno: code)
        }
    }

    /// Flushes (unless read-only or told not to), stops merges, releases the folder.
    public func close() throws {
        merger?.stop()
        syncTimer?.stop()
        writerLock.lock()
        defer { writerLock.unlock() }
        awaitBackgroundFlush()
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        defer {
            wal = nil
            lock.release()
        }
        guard !options.readOnly else { return }
        // Writes acknowledged since a failure (unsynced ones in `interval` mode) get one
        // more chance to reach a segment; when that fails, the caller hears why.
        try resume()
        if options.flushOnClose { try flushLocked(force: true) }
        if unsynced { try wal?.sync() }
    }

    deinit {
        merger?.stop()
        syncTimer?.stop()
    }
}

/// Sizes of database folders.
public enum FileSizes {
    /// Bytes of all regular files in the folder.
    public static func total(_ path: String) throws(StorageError) -> Int64 {
        let fs = LocalFileSystem()
        return try fs.list(path).reduce(0) { $0 + fs.fileSize(path + "/" + $1) }
    }
}

extension Store {
    /// Bytes of every file in the database folder.
    public func bytesOnDisk() throws(StorageError) -> Int64 { try FileSizes.total(path) }
}

extension Store {
    /// Records `provided` among the manifest's required extensions, writing the manifest
    /// at once when that adds any: from then on a writable open without them is refused,
    /// even if nothing has been flushed yet (the log would be flushed without them).
    func requireExtensions(_ provided: Set<String>) throws {
        let all = Set(requiredExtensions).union(provided).sorted()
        guard all != requiredExtensions else { return }
        try withWriter {
            requiredExtensions = all
            var state = published.withLock { $0 }
            let manifest = try manifestForWrite(state)
            try manifest.write(directory: path, fileSystem: fs)
            state.generation = manifest.generation
            publish(state)
        }
    }
}
