import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on the folder's LOCK file: one writing process at a time, or
/// any number of read-only ones.
final class DatabaseLock: @unchecked Sendable {
    private var fd: Int32
    private let mutex = NSLock()

    init(directory: String, exclusive: Bool) throws(StorageError) {
        let path = directory + "/" + FileNames.lock
        let fd = open(path, (exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw .io(path: path, operation: "open", errno: errno)
        }
        if flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            close(fd)
            throw .locked(path: directory)
        }
        self.fd = fd
    }

    /// Lets another store (in this process or another) open the folder.
    func release() {
        mutex.lock()
        defer { mutex.unlock() }
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
