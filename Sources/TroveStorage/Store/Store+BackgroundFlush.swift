import Dispatch
import Foundation
import Synchronization

/// A flush running beside the writer: the memtable entries it was started with go into
/// segments on another thread while commits go on into a new log. Until it is installed,
/// readers still find those entries in the memtable, and the manifest still names the
/// log they were written to, so a crash at any point replays them.
final class FlushJob: @unchecked Sendable {
    /// One collection's share: the entries below `count`, minus `deletes` as they were
    /// when the job started.
    struct Part {
        let collection: UInt32
        let memtable: Memtable
        let count: Int
        let deletes: DeleteSet
        let builders: [any SegmentSectionBuilder]
        let level: Int32
    }

    let parts: [Part]
    /// The log the frozen entries were written to (the manifest's until installed).
    let frozenLog: UInt64
    /// The log started when the job began: the manifest's once installed.
    let nextLog: UInt64
    private let done = DispatchSemaphore(value: 0)
    private let finished = Mutex<Bool>(false)

    init(parts: [Part], frozenLog: UInt64, nextLog: UInt64) {
        self.parts = parts
        self.frozenLog = frozenLog
        self.nextLog = nextLog
    }

    func finish() {
        finished.withLock { $0 = true }
        done.signal()
    }

    /// Blocks until the job has been installed or given up.
    func wait() {
        if finished.withLock({ $0 }) { return }
        done.wait()
        done.signal()
    }
}

extension Store {
    /// Starts a background flush of every memtable when none is running; when one is and
    /// the memtables have grown to twice the budget, waits for it first, so memory stays
    /// bounded when writes outrun flushes. Runs as the writer.
    func flushInBackground() throws {
        if flushing != nil {
            let backlog = published.withLock { $0 }.memtableBytes >= 2 * options.memtableBytes
            guard backlog else { return }
            awaitBackgroundFlush()
            try checkWritable()
        }
        let state = published.withLock { $0 }
        guard state.memtableBytes >= options.memtableBytes else { return }
        // The frozen entries' log must be whole before a newer one exists (recovery never
        // accepts a torn log that is not the newest).
        if unsynced { try syncNow() }
        let nextLog = allocateFileNumber()
        let newWAL = try WALWriter.create(path: filePath(FileNames.wal(nextLog)), fileNumber: nextLog, directory: path, fileSystem: fs)
        wal = newWAL
        let parts = state.collections.values.sorted { $0.id < $1.id }.filter { $0.memtableCount > 0 }.map { c in
            FlushJob.Part(collection: c.id, memtable: c.memtable, count: c.memtableCount, deletes: c.memtableDeletes,
                          builders: sectionBuilders(for: c), level: options.flushCompressionLevel)
        }
        let job = FlushJob(parts: parts, frozenLog: walNumber, nextLog: nextLog)
        flushing = job
        flushQueue.async { [self] in runBackgroundFlush(job) }
    }

    /// Waits, with the writer lock released, until no background flush is running. Call
    /// as the writer; the caller must re-read any state it read before.
    func awaitBackgroundFlush() {
        while let job = flushing {
            writerLock.unlock()
            job.wait()
            writerLock.lock()
        }
    }

    private func runBackgroundFlush(_ job: FlushJob) {
        var created: [String] = []
        var segments: [UInt32: LiveSegment] = [:]
        do {
            for part in job.parts {
                if let s = try writeSegment(part, created: &created) { segments[part.collection] = s }
            }
        } catch {
            for p in created { fs.remove(p) }
            writerLock.lock()
            poisoned = poisoned ?? ((error as? StorageError) ?? .invalidArgument("\(error)"))
            flushing = nil
            writerLock.unlock()
            job.finish()
            return
        }
        writerLock.lock()
        defer {
            flushing = nil
            writerLock.unlock()
            job.finish()
        }
        // A failed log write meanwhile: `resume()` flushes everything from memory.
        guard poisoned == nil, !closed.load(ordering: .acquiring) else {
            for p in created { fs.remove(p) }
            return
        }
        do {
            try install(job, segments: segments, created: &created)
        } catch let failure as ManifestWriteFailure {
            poisoned = (failure.underlying as? StorageError) ?? .invalidArgument("\(failure.underlying)")
        } catch {
            for p in created { fs.remove(p) }
            poisoned = (error as? StorageError) ?? .invalidArgument("\(error)")
        }
    }

    /// The live entries of a memtable's part as a new segment, or nil when none is live.
    func writeSegment(_ part: FlushJob.Part, created: inout [String]) throws -> LiveSegment? {
        guard part.count > part.deletes.count else { return nil }
        let number = allocateFileNumber()
        created.append(filePath(FileNames.segment(number)))
        let writer = try SegmentWriter(path: filePath(FileNames.segment(number)), blockSize: options.blockSize, level: part.level,
                                       builders: part.builders, dictionary: flushDictionary(for: part), fileSystem: fs)
        try part.memtable.forEachLive(below: part.count, deletes: part.deletes) { _, bytes in
            try bytes.withUnsafeBytes { try writer.add(encoded: $0) }
            return true
        }
        _ = try writer.finish()
        let reader = try SegmentReader(path: writer.path, number: number, cache: cache, fileSystem: fs)
        return LiveSegment(reader: reader, deletes: DeleteSet(), deleteFile: 0, deletesDirty: false, persistedDeletes: 0)
    }

    /// Swaps the frozen entries for their segments: deletes that reached them meanwhile
    /// move to the segment, later entries move to a new memtable, every dirty delete set
    /// is written, and the manifest moves on to the job's log. Runs as the writer.
    private func install(_ job: FlushJob, segments: [UInt32: LiveSegment], created: inout [String]) throws {
        var state = published.withLock { $0 }
        // Delete files may record deletes logged since the job began: those records must
        // be on disk before the files are (in `interval` mode they may not be yet).
        if unsynced { try syncNow() }
        for part in job.parts {
            guard var c = state.collections[part.collection], c.memtable === part.memtable else {
                if let s = segments[part.collection] { fs.remove(filePath(FileNames.segment(s.reader.number))) }
                continue
            }
            if var segment = segments[part.collection] {
                var row = 0
                for m in 0..<part.count where !part.deletes.contains(m) {
                    if c.memtableDeletes.contains(m) { segment.deletes.insert(row) }
                    row += 1
                }
                segment.deletesDirty = segment.deletes.count > 0
                c.segments.append(segment)
            }
            var tailDeletes = DeleteSet()
            for m in part.count..<c.memtableCount where c.memtableDeletes.contains(m) { tailDeletes.insert(m - part.count) }
            c.memtable = part.memtable.copy(part.count..<c.memtableCount)
            c.memtableCount -= part.count
            c.memtableDeletes = tailDeletes
            state.collections[part.collection] = c
        }
        let retired = try writeDirtyDeleteFiles(&state, created: &created)
        let previousLog = walNumber
        walNumber = job.nextLog
        var manifest: Manifest
        do { manifest = try manifestForWrite(state) } catch {
            walNumber = previousLog
            throw error
        }
        try fs.syncDirectory(path)
        do { try manifest.write(directory: path, fileSystem: fs) } catch {
            walNumber = previousLog
            throw ManifestWriteFailure(underlying: error)
        }
        state.generation = manifest.generation
        publish(state)
        for n in retired { fs.remove(filePath(FileNames.deletes(n))) }
        removeOldLogs()
        merger?.wake()
    }
}
