extension Store {
    /// Writes the memtables into segments now (normally this happens when together they
    /// reach `memtableBytes`, and on close).
    public func flush() throws {
        try withWriter { try flushLocked(force: true) }
    }

    /// Writes every memtable into a new segment and every changed delete set into a new
    /// delete file, starts a new log, and commits all of it with one manifest. Runs as
    /// the writer; readers keep using the previous state until it is published.
    /// `force` flushes even when no memtable reached the threshold.
    func flushLocked(force: Bool) throws {
        awaitBackgroundFlush()
        do { try flushUnguarded(force: force, rotateLog: false) } catch {
            // Files may now disagree with memory; refuse writes until `resume()` succeeds.
            poisoned = (error as? StorageError) ?? .invalidArgument("\(error)")
            throw error
        }
    }

    /// `rotateLog` starts a new log and manifest even when nothing changed (see `resume`).
    func flushUnguarded(force: Bool, rotateLog: Bool) throws {
        var state = published.withLock { $0 }
        let hasMemtable = state.collections.values.contains { $0.memtableCount > 0 }
        let hasDirty = state.collections.values.contains { $0.segments.contains { $0.deletesDirty } }
        guard rotateLog || hasMemtable || hasDirty || (force && (wal?.size ?? 0) > Int64(WALFormat.fileHeaderSize)) else { return }
        var created: [String] = []
        do {
            try writeFlush(&state, created: &created, rotateLog: rotateLog)
        } catch let failure as ManifestWriteFailure {
            // The manifest on disk may name the new files: they stay.
            throw failure.underlying
        } catch {
            // Nothing on disk names the files this attempt made; a full disk gets its space back.
            for p in created { fs.remove(p) }
            throw error
        }
    }

    private func writeFlush(_ state: inout StoreState, created: inout [String], rotateLog: Bool) throws {
        for id in state.collections.keys.sorted() {
            guard var c = state.collections[id], c.memtableCount > 0 else { continue }
            let part = FlushJob.Part(collection: id, memtable: c.memtable, count: c.memtableCount, deletes: c.memtableDeletes,
                                     builders: sectionBuilders(for: c), level: options.flushCompressionLevel)
            if let segment = try writeSegment(part, created: &created) { c.segments.append(segment) }
            c.memtable = Memtable()
            c.memtableCount = 0
            c.memtableDeletes = DeleteSet()
            state.collections[id] = c
        }
        let retiredDeleteFiles = try writeDirtyDeleteFiles(&state, created: &created)
        // In `interval` mode the old log may hold unsynced records; recovery must never
        // find a torn log that is not the newest. Not when resuming after a failure: a
        // failed fsync is not retried (its pages may be gone); the segments hold the records.
        if unsynced && !rotateLog { try syncNow() }
        let newWALNumber = allocateFileNumber()
        created.append(filePath(FileNames.wal(newWALNumber)))
        let newWAL = try WALWriter.create(path: filePath(FileNames.wal(newWALNumber)), fileNumber: newWALNumber, directory: path, fileSystem: fs)
        var manifest = try manifestForWrite(state)
        manifest.walNumber = newWALNumber
        try fs.syncDirectory(path)
        do { try manifest.write(directory: path, fileSystem: fs) } catch { throw ManifestWriteFailure(underlying: error) }
        state.generation = manifest.generation
        walNumber = newWALNumber
        wal = newWAL
        unsynced = false
        publish(state)
        for n in retiredDeleteFiles { fs.remove(filePath(FileNames.deletes(n))) }
        removeOldLogs()
        merger?.wake()
    }

    /// Writes a new delete file for every segment whose deletes changed since its last
    /// one; returns the numbers of the delete files they replace.
    func writeDirtyDeleteFiles(_ state: inout StoreState, created: inout [String]) throws -> [UInt64] {
        var retired: [UInt64] = []
        for id in state.collections.keys.sorted() {
            guard var c = state.collections[id], c.segments.contains(where: \.deletesDirty) else { continue }
            for i in c.segments.indices where c.segments[i].deletesDirty {
                if c.segments[i].deleteFile != 0 { retired.append(c.segments[i].deleteFile) }
                c.segments[i].deleteFile = try writeDeleteFile(c.segments[i])
                created.append(filePath(FileNames.deletes(c.segments[i].deleteFile)))
                c.segments[i].deletesDirty = false
                c.segments[i].persistedDeletes = c.segments[i].deletes.count
            }
            state.collections[id] = c
        }
        return retired
    }

    func sectionBuilders(for c: CollectionState) -> [any SegmentSectionBuilder] {
        options.extensions.compactMap { $0.makeBuilder(collection: c.name, metadata: c.metadata) }
    }

    func mergeBuilders(for c: CollectionState, sources: [MergeSource]) -> [any SegmentSectionBuilder] {
        options.extensions.compactMap { $0.makeMergeBuilder(collection: c.name, metadata: c.metadata, sources: sources) }
    }

    /// Persists a segment's delete set under a new file number; returns the number.
    func writeDeleteFile(_ s: LiveSegment) throws -> UInt64 {
        let number = allocateFileNumber()
        let path = filePath(FileNames.deletes(number))
        do {
            let file = try fs.open(path, mode: .create)
            try file.append(DeleteFile.encode(segment: s.reader.number, docCount: s.reader.docCount, deletes: s.deletes))
            try file.sync()
        } catch {
            fs.remove(path)
            throw error
        }
        return number
    }

    /// The manifest describing `state` as persisted, one generation on.
    func manifestForWrite(_ state: StoreState) throws(StorageError) -> Manifest {
        let collections = state.collections.values.sorted { $0.id < $1.id }.map { c in
            Manifest.Collection(id: c.id, name: c.name, metadata: c.metadata, segments: c.segments.map { s in
                Manifest.Segment(number: s.reader.number, docCount: s.reader.docCount, deleteFile: s.deleteFile,
                                 deletedCount: s.deletesDirty ? s.persistedDeletes : s.deletes.count, fileSize: Int64(s.reader.map.count))
            })
        }
        return Manifest(generation: state.generation + 1, nextFileNumber: fileNumbers.withLock { $0 },
                        walNumber: walNumber, nextCollectionID: nextCollectionID, collections: collections,
                        requiredExtensions: requiredExtensions)
    }

    func removeOldLogs() {
        guard let names = try? fs.list(path) else { return }
        for name in names {
            if let (n, kind) = FileNames.parse(name), kind == "wal", n < walNumber { fs.remove(filePath(name)) }
        }
    }
}
