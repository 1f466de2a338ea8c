import Foundation
import Synchronization

/// The background thread that runs merges.
final class MergeScheduler: @unchecked Sendable {
    private weak var store: Store?
    private let condition = NSCondition()
    private var signaled = false
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    private var started = false
    private var thread: Thread?
    let cancelled = Atomic<Bool>(false)

    init(store: Store) { self.store = store }

    func start() {
        started = true
        let thread = Thread { [self] in
            loop()
            finished.signal()
        }
        thread.name = "trove-merge"
        self.thread = thread
        thread.start()
    }

    func wake() {
        condition.lock()
        signaled = true
        condition.signal()
        condition.unlock()
    }

    /// Cancels a running merge and waits for the thread to end.
    func stop() {
        condition.lock()
        let wasStopping = stopping
        stopping = true
        cancelled.store(true, ordering: .releasing)
        condition.signal()
        condition.unlock()
        // When the store's last reference goes away on the merge thread itself, its
        // deinit lands here: waiting for this very thread would never end.
        if started && !wasStopping && Thread.current !== thread { finished.wait() }
    }

    private func loop() {
        while true {
            condition.lock()
            while !signaled && !stopping {
                _ = condition.wait(until: Date().addingTimeInterval(0.05))

            }
            let stop = stopping
            signaled = false
            condition.unlock()
            if stop { return }
            guard let store else { return }
            store.runMerges(cancelled: cancelled)
        }
    }
}

/// Thrown inside a merge when the store is closing; the partial output is removed.
struct MergeCancelled: Error {}

/// The manifest write of a merge install failed part-way: which manifest is on disk is
/// unknown, so the merged segment's file must stay and the store refuses further writes.
struct ManifestWriteFailure: Error { let underlying: any Error }

extension Store {
    /// Runs policy merges until none is due. Errors are kept out of the write path: a
    /// failed merge leaves the sources in place and removes its partial output.
    func runMerges(cancelled: borrowing Atomic<Bool>) {
        mergeLock.lock()
        defer { mergeLock.unlock() }
        let policy = MergePolicy(mergeFactor: max(2, options.mergeFactor))
        while !cancelled.load(ordering: .acquiring), let plan = policy.next(in: published.withLock({ $0 })) {
            do {
                try merge(plan, cancelled: cancelled)
            } catch {
                return
            }
        }
    }

    /// Merges every collection's segments into one, dropping deleted documents. Flushes
    /// the memtables first, so afterwards each collection is a single segment.
    public func compact() throws {
        try withWriter { try flushLocked(force: true) }
        mergeLock.lock()
        defer { mergeLock.unlock() }
        let never = Atomic<Bool>(false)
        for c in published.withLock({ $0 }).collections.values.sorted(by: { $0.id < $1.id }) {
            if c.segments.count > 1 || c.segments.contains(where: { $0.deletes.count > 0 }) {
                try merge(MergePolicy.Plan(collection: c.id, segments: c.segments.map(\.reader.number)), cancelled: never, dense: true)
            }
        }
    }

    /// Writes the live documents of the plan's segments into one new segment, then swaps
    /// it in as the writer, carrying over deletes that arrived while it ran. `dense`
    /// compresses at `compressionLevel` whatever the size (see `denseMergeBytes`).
    func merge(_ plan: MergePolicy.Plan, cancelled: borrowing Atomic<Bool>, dense: Bool = false) throws {
        let start = published.withLock { $0 }
        guard let c = start.collections[plan.collection] else { return }
        let sources = c.segments.filter { plan.segments.contains($0.reader.number) }
        guard sources.count == plan.segments.count else { return }
        let number = allocateFileNumber()
        let outPath = filePath(FileNames.segment(number))
        // Where each source document lands: live ones in source order, deleted ones dropped.
        var next: Int32 = 0
        let mappings: [[Int32]] = sources.map { s in
            (0..<s.reader.docCount).map { o in
                if s.deletes.contains(o) { return -1 }
                defer { next += 1 }
                return next
            }
        }
        var merged: SegmentReader?
        do {
            let liveBytes = sources.reduce(0.0) { $0 + Double($1.reader.map.count) * Double($1.liveCount) / Double(max(1, $1.reader.docCount)) }
            let heavy = dense || liveBytes >= Double(options.denseMergeBytes)
            let builders = mergeBuilders(for: c, sources: zip(sources, mappings).map { MergeSource(reader: $0.reader, ordinals: $1) })
            let writer: SegmentWriter
            if !heavy, Set(sources.flatMap { $0.reader.allDictionaries.map(\.bytes) }).count <= Self.maximumCopiedDictionaries {
                writer = try SegmentWriter(path: outPath, blockSize: options.blockSize, level: options.flushCompressionLevel,
                                           builders: builders, copying: true, fileSystem: fs)
                try copyBlocks(of: sources.map(\.reader), mappings: mappings, into: writer, cancelled: cancelled)
            } else {
                let samples = try sources.flatMap { try $0.reader.sampleEncodings(blocks: max(4, 96 / sources.count)) }
                writer = try SegmentWriter(path: outPath, blockSize: options.blockSize, level: heavy ? options.compressionLevel : options.flushCompressionLevel,
                                           builders: builders, samples: samples, fileSystem: fs)
                for (i, s) in sources.enumerated() {
                    try s.reader.forEachEncoded { ordinal, bytes in
                        if cancelled.load(ordering: .relaxed) { throw MergeCancelled() }
                        if mappings[i][ordinal] >= 0 {
                            try writer.add(encoded: bytes)
                        }
                        return true
                    }
                }
            }
            guard writer.docCount == Int(next) else { throw StorageError.invalidArgument("merge wrote \(writer.docCount) of \(next) live documents") }
            let empty = writer.docCount == 0
            _ = try writer.finish()
            merged = empty ? nil : try SegmentReader(path: outPath, number: number, cache: cache, fileSystem: fs)
            if empty { fs.remove(outPath) }
            try install(plan, sources: sources, mappings: mappings, merged: merged)
        } catch let failure as ManifestWriteFailure {
            // The manifest on disk may already name the new segment: keep its file.
            throw failure.underlying
        } catch {
            merged = nil
            fs.remove(outPath)
            throw error
        }
    }

    /// A merge below `denseMergeBytes` keeps its sources' compression: blocks whose
    /// documents all stay are copied compressed, and the live documents of the others
    /// are compressed again with their source's dictionary (at `flushCompressionLevel`),
    /// so only those cost zstd time. Recompressing every block was about a sixth of a
    /// sustained `_bulk` load's CPU (docs/BENCHMARKS.md, issue 20). Sources holding more
    /// than `maximumCopiedDictionaries` distinct dictionaries between them are recompressed
    /// with one new dictionary instead, so a reader never loads many. Sources flushed with
    /// the same dictionary (`FlushDictionary`) share it in the merged segment.
    static let maximumCopiedDictionaries = 16

    private func copyBlocks(of sources: [SegmentReader], mappings: [[Int32]], into writer: SegmentWriter, cancelled: borrowing Atomic<Bool>) throws {
        var byBytes: [[UInt8]: ZstdDictionary] = [:]
        for (i, source) in sources.enumerated() {
            var forCompression: [ObjectIdentifier: ZstdDictionary] = [:]
            for d in source.allDictionaries {
                if let known = byBytes[d.bytes] {
                    forCompression[ObjectIdentifier(d)] = known
                    continue
                }
                guard let copy = d.forCompression(level: options.flushCompressionLevel) else { throw StorageError.invalidArgument("a zstd dictionary of \(source.path) does not load to compress") }
                byBytes[d.bytes] = copy
                forCompression[ObjectIdentifier(d)] = copy
            }
            try source.forEachBlock { b, first, docs in
                if cancelled.load(ordering: .relaxed) { throw MergeCancelled() }
                let dictionary = source.dictionary(ofBlock: b).flatMap { forCompression[ObjectIdentifier($0)] }
                let live = (0..<docs.count).filter { mappings[i][first + $0] >= 0 }
                if live.count == docs.count {
                    try writer.add(copiedBlock: try source.compressedBlock(b), documents: docs, dictionary: dictionary)
                } else if !live.isEmpty {
                    try writer.use(dictionary: dictionary)
                    for k in live { try writer.add(encoded: try docs.encoded(at: k)) }
                }
                return true
            }
        }
    }

    private func install(_ plan: MergePolicy.Plan, sources: [LiveSegment], mappings: [[Int32]], merged: SegmentReader?) throws {
        try withWriter {
            var state = published.withLock { $0 }
            guard var c = state.collections[plan.collection] else { throw MergeCancelled() }
            let current = plan.segments.compactMap { n in c.segments.first { $0.reader.number == n } }
            guard current.count == sources.count else { throw MergeCancelled() }
            var deletes = DeleteSet()
            for (i, s) in sources.enumerated() {
                for o in current[i].deletes.added(since: s.deletes) where mappings[i][o] >= 0 {
                    deletes.insert(Int(mappings[i][o]))
                }
            }
            let position = c.segments.firstIndex { plan.segments.contains($0.reader.number) } ?? c.segments.count
            c.segments.removeAll { plan.segments.contains($0.reader.number) }
            if let merged {
                var live = LiveSegment(reader: merged, deletes: deletes, deleteFile: 0, deletesDirty: false, persistedDeletes: 0)
                if deletes.count > 0 {
                    live.deleteFile = try writeDeleteFile(live)
                    live.persistedDeletes = deletes.count
                }
                c.segments.insert(live, at: min(position, c.segments.count))
            }
            state.collections[plan.collection] = c
            let manifest = try manifestForWrite(state)
            try fs.syncDirectory(path)
            do { try manifest.write(directory: path, fileSystem: fs) } catch {
                poisoned = (error as? StorageError) ?? .invalidArgument("\(error)")
                throw ManifestWriteFailure(underlying: error)
            }
            state.generation = manifest.generation
            publish(state)
            for s in current {
                s.reader.retire()
                if s.deleteFile != 0 { fs.remove(filePath(FileNames.deletes(s.deleteFile))) }
            }
        }
    }
}
