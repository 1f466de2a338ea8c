/// Opening a database: lock the folder, read the manifest, open the live segments and
/// delete files, replay the logs from the manifest's log number, cut a torn tail off the
/// newest log, and remove files no manifest names (left by a crash mid-flush or merge).
struct Recovery {
    let path: String
    let options: StoreOptions
    var fs: any FileSystem { options.fileSystem }

    func run() throws -> Store {
        if options.readOnly {
            guard fs.exists(path + "/" + Manifest.fileName) else {
                throw StorageError.invalidArgument("no Trove database at \(path)")
            }
        } else {
            try fs.createDirectory(path)
        }
        let lock = try DatabaseLock(directory: path, exclusive: !options.readOnly)
        let names = try fs.list(path)
        let manifest = try loadManifest(names: names)
        let provided = Set(options.extensions.map(\.name))
        let missing = manifest.requiredExtensions.filter { !provided.contains($0) }
        guard options.readOnly || missing.isEmpty else { throw StorageError.missingExtensions(path: path, names: missing) }
        let cache = BlockCache(capacityBytes: options.blockCacheBytes)
        var state = try openSegments(manifest, cache: cache)
        let logs = names.compactMap { FileNames.parse($0) }.filter { $0.kind == "wal" && $0.number >= manifest.walNumber }.map(\.number).sorted()
        var scans: [WALReader.Scan] = []
        for (i, n) in logs.enumerated() {
            scans.append(try replay(log: n, isNewest: i == logs.count - 1, into: &state))
        }
        try checkTears(logs: logs, scans: scans)
        let validEnd = scans.last?.validEnd ?? 0
        let highest = names.compactMap { FileNames.parse($0)?.number }.max() ?? 0
        let nextFile = max(manifest.nextFileNumber, highest + 1)
        let store = Store(path: path, options: options, lock: lock, cache: cache, state: state, nextFile: nextFile, walNumber: manifest.walNumber)
        store.nextCollectionID = manifest.nextCollectionID
        store.requiredExtensions = manifest.requiredExtensions
        if !options.readOnly {
            if let newest = logs.last, validEnd >= Int64(WALFormat.fileHeaderSize) {
                store.wal = try WALWriter.reopen(path: path + "/" + FileNames.wal(newest), fileNumber: newest, validEnd: validEnd, fileSystem: fs)
            } else {
                let n = logs.last ?? manifest.walNumber
                store.wal = try WALWriter.create(path: path + "/" + FileNames.wal(n), fileNumber: n, directory: path, fileSystem: fs)
            }
            removeUnreferenced(names: names, manifest: manifest)
            try store.requireExtensions(provided)
        }
        return store
    }

    private func loadManifest(names: [String]) throws -> Manifest {
        if names.contains(Manifest.fileName) { return try Manifest.read(directory: path, fileSystem: fs) }
        if names.contains(where: { ["seg", "wal", "del"].contains(FileNames.parse($0)?.kind ?? "") }) {
            throw StorageError.corruption(file: path + "/" + Manifest.fileName, offset: 0, reason: "manifest is missing but data files exist")
        }
        let fresh = Manifest(generation: 1, nextFileNumber: 2, walNumber: 1, nextCollectionID: 1, collections: [])
        try fresh.write(directory: path, fileSystem: fs)
        return fresh
    }

    private func openSegments(_ manifest: Manifest, cache: BlockCache) throws -> StoreState {
        var state = StoreState(generation: manifest.generation, collections: [:], ids: [:])
        for mc in manifest.collections {
            var segments: [LiveSegment] = []
            for ms in mc.segments {
                let segPath = path + "/" + FileNames.segment(ms.number)
                let reader = try SegmentReader(path: segPath, number: ms.number, cache: cache, fileSystem: fs)
                guard reader.docCount == ms.docCount else {
                    throw StorageError.corruption(file: segPath, offset: 0, reason: "holds \(reader.docCount) documents; the manifest says \(ms.docCount)")
                }
                var deletes = DeleteSet()
                if ms.deleteFile != 0 {
                    let delPath = path + "/" + FileNames.deletes(ms.deleteFile)
                    deletes = try DeleteFile.read(path: delPath, segment: ms.number, docCount: ms.docCount, fileSystem: fs)
                    guard deletes.count == ms.deletedCount else {
                        throw StorageError.corruption(file: delPath, offset: 0, reason: "holds \(deletes.count) deletes; the manifest says \(ms.deletedCount)")
                    }
                }
                segments.append(LiveSegment(reader: reader, deletes: deletes, deleteFile: ms.deleteFile, deletesDirty: false, persistedDeletes: deletes.count))
            }
            state.collections[mc.id] = CollectionState(id: mc.id, name: mc.name, metadata: mc.metadata, segments: segments,
                                                       memtable: Memtable(), memtableCount: 0, memtableDeletes: DeleteSet())
            state.ids[mc.name] = mc.id
        }
        return state
    }

    /// Replays one log; returns how far it was good.
    private func replay(log n: UInt64, isNewest: Bool, into state: inout StoreState) throws -> WALReader.Scan {
        let logPath = path + "/" + FileNames.wal(n)
        let scan = try WALReader.scan(path: logPath, expectedNumber: n, isNewest: isNewest, fileSystem: fs) { type, payload, offset in
            guard type == WALFormat.recordTypeBatch else {
                throw StorageError.corruption(file: logPath, offset: offset, reason: "unknown record type \(type)")
            }
            do {
                try state.apply(try EncodedOperation.decodePayload(payload))
            } catch let e as DecodeError {
                throw StorageError.corruption(file: logPath, offset: offset + Int64(WALFormat.recordHeaderSize + e.offset), reason: "batch record: \(e.reason)")
            }
        }
        return scan
    }

    /// A torn record is the last write attempted: it may end an older log only when every
    /// newer log is empty (a write failed, and the flush that would have replaced that log
    /// started a new one and then failed too). A torn record followed by logged records
    /// means records were lost in between: damage.
    private func checkTears(logs: [UInt64], scans: [WALReader.Scan]) throws {
        for (i, scan) in scans.enumerated() where scan.tornBytes > 0 && scans[(i + 1)...].contains(where: { $0.records > 0 }) {
            throw StorageError.corruption(file: path + "/" + FileNames.wal(logs[i]), offset: scan.validEnd, reason: "log ends in a partial record but a newer log holds records")
        }
    }

    private func removeUnreferenced(names: [String], manifest: Manifest) {
        var live = Set<String>([Manifest.fileName, FileNames.lock])
        for c in manifest.collections {
            for s in c.segments {
                live.insert(FileNames.segment(s.number))
                if s.deleteFile != 0 { live.insert(FileNames.deletes(s.deleteFile)) }
            }
        }
        for name in names where !live.contains(name) {
            if let (n, kind) = FileNames.parse(name) {
                if kind == "wal" && n >= manifest.walNumber { continue }
                if ["seg", "del", "wal"].contains(kind) { fs.remove(path + "/" + name) }
            } else if name.hasSuffix(".tmp") {
                fs.remove(path + "/" + name)
            }
        }
    }
}
