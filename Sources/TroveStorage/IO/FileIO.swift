#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor with the handful of POSIX calls the storage layer needs, each
/// turning a failure into `StorageError.io` that names the path.
public final class FileHandleIO: @unchecked Sendable {
    public let path: String
    public let fd: Int32

    /// Opens (and with `create`, creates) a file for reading and writing.
    public init(path: String, create: Bool = false, truncate: Bool = false, readOnly: Bool = false) throws(StorageError) {
        var flags: Int32 = readOnly ? O_RDONLY : O_RDWR
        if create { flags |= O_CREAT }
        if truncate { flags |= O_TRUNC }
        flags |= O_CLOEXEC
        // Private: a database, its blobs and its secrets are for the owner of the process alone.
        let fd = open(path, flags, 0o600)
        if fd < 0 { throw .io(path: path, operation: "open", errno: errno) }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    public func size() throws(StorageError) -> Int64 {
        var st = stat()
        if fstat(fd, &st) != 0 { throw .io(path: path, operation: "fstat", errno: errno) }
        return Int64(st.st_size)
    }

    /// Writes all of `bytes` at the current end (the file is only ever appended to).
    public func append(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    public func append(_ bytes: [UInt8]) throws(StorageError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(StorageError) in try append(raw) } }
        try result.get()
    }

    /// Reads exactly `count` bytes at `offset`, or fewer at end of file.
    public func read(at offset: Int64, count: Int) throws(StorageError) -> [UInt8] {
        var failure: StorageError?
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, n in
            var done = 0
            while done < count {
                let r = pread(fd, buf.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if r < 0 {
                    if errno == EINTR { continue }
                    failure = .io(path: path, operation: "pread", errno: errno)
                    break
                }
                if r == 0 { break }
                done += r
            }
            n = done
        }
        if let failure { throw failure }
        return out
    }

    public func seekToEnd() throws(StorageError) {
        if lseek(fd, 0, SEEK_END) < 0 { throw .io(path: path, operation: "lseek", errno: errno) }
    }

    /// Makes written data durable (data and the metadata needed to read it back).
    public func sync() throws(StorageError) {
        if fdatasync(fd) != 0 { throw .io(path: path, operation: "fdatasync", errno: errno) }
    }

    public func truncate(to size: Int64) throws(StorageError) {
        if ftruncate(fd, off_t(size)) != 0 { throw .io(path: path, operation: "ftruncate", errno: errno) }
    }
}

/// Directory-level operations: listing, atomic replace, durable rename.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and any missing parents (like `mkdir -p`).
    public static func createDirectory(_ path: String) throws(StorageError) {
        if isDirectory(path) { return }
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        let failure = errno
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        guard failure == ENOENT, !parent.isEmpty, parent != path else { throw .io(path: path, operation: "mkdir", errno: failure) }
        try createDirectory(parent)
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .io(path: path, operation: "mkdir", errno: errno) }
    }

    public static func list(_ path: String) throws(StorageError) -> [String] {
        guard let dir = opendir(path) else { throw .io(path: path, operation: "opendir", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public static func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    public static func remove(_ path: String) { unlink(path) }

    /// fsync on the directory makes creations, renames and removals in it durable.
    public static func syncDirectory(_ path: String) throws(StorageError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, operation: "open directory", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .io(path: path, operation: "fsync directory", errno: errno) }
    }

    public static func rename(_ from: String, to: String) throws(StorageError) {
        if posixRename(from, to) != 0 { throw .io(path: from, operation: "rename to \(to)", errno: errno) }
    }

    /// Writes `bytes` to `path` so that a crash leaves either the old file or the new one:
    /// write a temporary file, fsync it, rename it over `path`, fsync the directory.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(StorageError) {
        let tmp = path + ".tmp"
        let file = try FileHandleIO(path: tmp, create: true, truncate: true)
        try file.append(bytes)
        try file.sync()
        try rename(tmp, to: path)
        try syncDirectory(directory)
    }
}

#if canImport(Glibc)
private func posixRename(_ a: String, _ b: String) -> Int32 { Glibc.rename(a, b) }
#else
private func posixRename(_ a: String, _ b: String) -> Int32 { Darwin.rename(a, b) }
#endif
