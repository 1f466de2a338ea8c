#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TroveStorage

/// A file opened through `FaultInjectingFileSystem`: its writes, syncs and truncations
/// can fail, and its syncs tell the file system which bytes would survive a power loss.
final class FaultInjectingFile: OpenFile, @unchecked Sendable {
    let file: any OpenFile
    let fileSystem: FaultInjectingFileSystem

    init(file: any OpenFile, fileSystem: FaultInjectingFileSystem) {
        self.file = file
        self.fileSystem = fileSystem
    }

    var path: String { file.path }

    func size() throws(StorageError) -> Int64 { try file.size() }

    func append(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        if let torn = try fileSystem.check(.write, path: path) {
            try file.append(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]))
            throw .io(path: path, operation: "write (injected, torn after \(bytes.count / 2) of \(bytes.count) bytes)", errno: torn.errno)
        }
        try file.append(bytes)
    }

    func read(at offset: Int64, count: Int) throws(StorageError) -> [UInt8] { try file.read(at: offset, count: count) }

    func sync() throws(StorageError) {
        _ = try fileSystem.check(.sync, path: path)
        if withUnsafeCurrentTask(body: { $0 != nil }) { fileSystem.syncsInsideTasks.add(1, ordering: .relaxed) }
        let delay = fileSystem.syncDelayMicroseconds.load(ordering: .relaxed)
        if delay > 0 { usleep(UInt32(delay)) }
        try file.sync()
        fileSystem.noteSynced(path, size: try file.size())
    }

    func truncate(to size: Int64) throws(StorageError) {
        _ = try fileSystem.check(.truncate, path: path)
        try file.truncate(to: size)
        fileSystem.noteTruncated(path, to: size)
    }
}

extension FaultInjectingFileSystem {
    /// How much of the bytes written after a file's last sync a power loss keeps.
    public enum UnsyncedBytes: Sendable {
        case lost, kept
        /// A random prefix per file, picked by `seed`.
        case partly(seed: UInt64)
    }

    /// Loses power: from now on every call fails, and the files on disk become what a
    /// machine would find after a reboot (see the type's comment).
    public func crash(_ unsynced: UnsyncedBytes) throws {
        var random = SplitMix64(state: { if case let .partly(seed) = unsynced { seed } else { 0 } }())
        let s = state.withLock { s in
            s.off = true
            return s
        }
        for (path, durable) in s.durable.sorted(by: { $0.key < $1.key }) where base.exists(path) {
            let size = base.fileSize(path)
            guard size > durable else { continue }
            let keep: Int64
            switch unsynced {
            case .lost: keep = durable
            case .kept: keep = size
            case .partly: keep = durable + Int64.random(in: 0...(size - durable), using: &random)
            }
            try base.open(path, mode: .existing).truncate(to: keep)
        }
        for r in s.pendingRenames.reversed() where base.exists(r.to) {
            try base.rename(r.to, to: r.from)
            if let previous = r.previous { try base.open(r.to, mode: .create).append(previous) }
        }
        for path in s.unsyncedCreations.values.flatMap({ $0 }) { base.remove(path) }
    }
}
