#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TroveStorage

/// The operations of a `FileSystem` that a fault can hit.
public enum FileOperation: String, Sendable, CaseIterable {
    case open, write, sync, rename, syncDirectory, map, truncate
}

/// One injected failure: the `after + 1`-th call of `operation` from now fails with `errno`.
public struct Fault: Sendable, CustomStringConvertible {
    public var operation: FileOperation
    public var after: Int
    public var errno: Int32
    /// A failing write first writes half of its bytes, as a write cut short by a full disk does.
    public var torn: Bool
    /// Every later call of `operation` fails too (a disk that stays full) until `clear()`.
    public var persistent: Bool

    public init(_ operation: FileOperation, after: Int = 0, errno: Int32 = EIO, torn: Bool = false, persistent: Bool = false) {
        self.operation = operation
        self.after = after
        self.errno = errno
        self.torn = torn
        self.persistent = persistent
    }

    public var description: String {
        "\(operation) #\(after + 1) fails with errno \(errno)\(torn ? ", torn" : "")\(persistent ? ", persistent" : "")"
    }
}

/// A file system over real files that fails on request and can lose power.
///
/// Faults: `inject` arms one; the matching call throws `StorageError.io` with the fault's
/// errno and, for a torn write, leaves half of the bytes in the file.
///
/// Power loss (`crash`): what a machine that loses power keeps, in the model LevelDB's
/// fault-injection test uses. Each file keeps its synced bytes plus a random prefix of the
/// bytes written after its last sync; files created since their directory was last synced
/// disappear; renames since then are undone. Every later call fails, as on a machine that
/// is off. Reopen the folder with another file system to see what survived. Removals are
/// taken as durable at once (an undone removal only brings back a file recovery removes).
public final class FaultInjectingFileSystem: FileSystem, @unchecked Sendable {
    struct PendingRename { let directory: String, from: String, to: String, previous: [UInt8]? }

    struct State {
        var armed: [Fault] = []
        var calls: [FileOperation: Int] = [:]
        var fired: [Fault] = []
        var off = false
        /// Bytes of each file known to be on disk (its size at its last sync).
        var durable: [String: Int64] = [:]
        /// Files created in each directory since that directory was last synced.
        var unsyncedCreations: [String: Set<String>] = [:]
        var pendingRenames: [PendingRename] = []
    }

    let base = LocalFileSystem()
    let state = Mutex(State())

    public init() {}

    /// Microseconds every file sync takes on top of the real one: a slow disk.
    let syncDelayMicroseconds = Atomic<Int>(0)

    /// Makes every later file sync take `microseconds` longer (0: back to the real disk).
    public func slowSyncs(by microseconds: Int) { syncDelayMicroseconds.store(microseconds, ordering: .relaxed) }

    /// File syncs that ran inside a Swift task, that is on the cooperative pool, where a
    /// blocking wait holds one of its few threads.
    public let syncsInsideTasks = Atomic<Int>(0)

    /// Arms `fault`; several may be armed at once.
    public func inject(_ fault: Fault) { state.withLock { $0.armed.append(fault) } }

    /// Disarms every fault: the disk works again.
    public func clear() { state.withLock { $0.armed.removeAll() } }

    /// Faults armed and not yet fired (persistent ones stay armed).
    public var armed: [Fault] { state.withLock { $0.armed } }

    /// The faults that fired, in order.
    public var fired: [Fault] { state.withLock { $0.fired } }

    /// How many calls of `operation` were made.
    public func calls(_ operation: FileOperation) -> Int { state.withLock { $0.calls[operation] ?? 0 } }

    /// Throws when a fault fires on this call of `operation`; returns the fault for a torn write.
    func check(_ operation: FileOperation, path: String) throws(StorageError) -> Fault? {
        let hit: Fault? = state.withLock { s in
            s.calls[operation, default: 0] += 1
            if s.off { return Fault(operation) }
            guard let i = s.armed.firstIndex(where: { $0.operation == operation }) else { return nil }
            if s.armed[i].after > 0 {
                s.armed[i].after -= 1
                return nil
            }
            let fault = s.armed[i]
            if !fault.persistent { s.armed.remove(at: i) }
            s.fired.append(fault)
            return fault
        }
        guard let hit else { return nil }
        if operation == .write && hit.torn { return hit }
        throw .io(path: path, operation: "\(operation) (injected)", errno: hit.errno)
    }

    func noteSynced(_ path: String, size: Int64) { state.withLock { $0.durable[path] = size } }

    func noteTruncated(_ path: String, to size: Int64) {
        state.withLock { s in s.durable[path] = min(s.durable[path] ?? size, size) }
    }

    public func open(_ path: String, mode: FileOpenMode) throws(StorageError) -> any OpenFile {
        _ = try check(.open, path: path)
        let existed = base.exists(path)
        let file = try base.open(path, mode: mode)
        let size = (try? file.size()) ?? 0
        state.withLock { s in
            if mode == .create {
                s.durable[path] = 0
                if !existed { s.unsyncedCreations[Self.directory(of: path), default: []].insert(path) }
            } else if s.durable[path] == nil {
                s.durable[path] = size
            }
        }
        return FaultInjectingFile(file: file, fileSystem: self)
    }

    public func map(_ path: String) throws(StorageError) -> MappedFile {
        _ = try check(.map, path: path)
        return try base.map(path)
    }

    public func rename(_ from: String, to: String) throws(StorageError) {
        _ = try check(.rename, path: from)
        let previous = base.exists(to) ? try base.open(to, mode: .readOnly).read(at: 0, count: Int(base.fileSize(to))) : nil
        try base.rename(from, to: to)
        state.withLock { s in
            s.durable[to] = s.durable.removeValue(forKey: from)
            s.pendingRenames.append(PendingRename(directory: Self.directory(of: to), from: from, to: to, previous: previous))
        }
    }

    public func remove(_ path: String) {
        let off = state.withLock { s in
            if !s.off { s.durable[path] = nil }
            return s.off
        }
        if !off { base.remove(path) }
    }

    public func syncDirectory(_ path: String) throws(StorageError) {
        _ = try check(.syncDirectory, path: path)
        try base.syncDirectory(path)
        state.withLock { s in
            s.unsyncedCreations[path] = nil
            s.pendingRenames.removeAll { $0.directory == path }
        }
    }

    public func createDirectory(_ path: String) throws(StorageError) { try base.createDirectory(path) }
    public func list(_ path: String) throws(StorageError) -> [String] { try base.list(path) }
    public func exists(_ path: String) -> Bool { base.exists(path) }
    public func isDirectory(_ path: String) -> Bool { base.isDirectory(path) }
    public func fileSize(_ path: String) -> Int64 { base.fileSize(path) }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
