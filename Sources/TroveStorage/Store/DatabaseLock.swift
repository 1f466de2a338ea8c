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
        var fd = open(path, (exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT && !exclusive {
            // A copied folder may lack the lock file; creating an empty one changes no data.
            fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        }
        if fd < 0 {
            throw .io(path: path, operation: "open", errno: errno)
        }
        // A process forked by this one holds a copy of the descriptor until it execs, so a
        // lock released a moment ago may still be held: retry for a short while.
        var attempts = 0
        while flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            let code = errno
            attempts += 1
            if code == EINTR { continue }
            if code != EWOULDBLOCK || attempts >= 25 {
                close(fd)
                if code == EWOULDBLOCK { throw .locked(path: directory) }
                throw .io(path: path, operation: "flock", errno: code)
            }
            usleep(10_000)
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
