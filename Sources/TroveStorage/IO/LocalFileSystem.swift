#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's file system: POSIX calls, each failure turned into
/// `StorageError.io` naming the path and the operation.
public struct LocalFileSystem: FileSystem {
    public init() {}

    public func open(_ path: String, mode: FileOpenMode) throws(StorageError) -> any OpenFile {
        try LocalFile(path: path, mode: mode)
    }

    public func map(_ path: String) throws(StorageError) -> MappedFile { try MappedFile(path: path) }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public func createDirectory(_ path: String) throws(StorageError) {
        if isDirectory(path) { return }
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        let failure = errno
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        guard failure == ENOENT, !parent.isEmpty, parent != path else { throw .io(path: path, operation: "mkdir", errno: failure) }
        try createDirectory(parent)
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .io(path: path, operation: "mkdir", errno: errno) }
    }

    public func list(_ path: String) throws(StorageError) -> [String] {
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

    public func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    public func remove(_ path: String) { unlink(path) }

    public func syncDirectory(_ path: String) throws(StorageError) {
        let fd = posixOpen(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        if fd < 0 { throw .io(path: path, operation: "open directory", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .io(path: path, operation: "fsync directory", errno: errno) }
    }

    public func rename(_ from: String, to: String) throws(StorageError) {
        if posixRename(from, to) != 0 { throw .io(path: from, operation: "rename to \(to)", errno: errno) }
    }
}

/// A file descriptor opened with `O_APPEND`, so every write lands at the end, also after
/// a `truncate`.
public final class LocalFile: OpenFile, @unchecked Sendable {
    public let path: String
    let fd: Int32

    public init(path: String, mode: FileOpenMode) throws(StorageError) {
        var flags: Int32 = O_CLOEXEC
        switch mode {
        case .create: flags |= O_RDWR | O_APPEND | O_CREAT | O_TRUNC
        case .existing: flags |= O_RDWR | O_APPEND
        case .readOnly: flags |= O_RDONLY
        }
        // Private: a database, its blobs and its secrets are for the owner of the process alone.
        let fd = posixOpen(path, flags, 0o600)
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

    public func read(at offset: Int64, count: Int) throws(StorageError) -> [UInt8] {
        var failure: StorageError?
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, n in
            var done = 0
            while done < count, let base = buf.baseAddress {
                let r = pread(fd, base + done, count - done, off_t(offset) + off_t(done))
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

    public func sync() throws(StorageError) {
        if fdatasync(fd) != 0 { throw .io(path: path, operation: "fdatasync", errno: errno) }
    }

    public func truncate(to size: Int64) throws(StorageError) {
        if ftruncate(fd, off_t(size)) != 0 { throw .io(path: path, operation: "ftruncate", errno: errno) }
    }
}

#if canImport(Glibc)
private func posixRename(_ a: String, _ b: String) -> Int32 { Glibc.rename(a, b) }
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
#else
private func posixRename(_ a: String, _ b: String) -> Int32 { Darwin.rename(a, b) }
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
#endif
