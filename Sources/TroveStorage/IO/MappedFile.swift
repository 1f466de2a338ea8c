#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole immutable file. Segments are read through it so
/// that the OS page cache, not the process heap, holds their bytes.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    private let base: UnsafeMutableRawPointer?

    public init(path: String) throws(StorageError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw .io(path: path, operation: "fstat", errno: errno) }
        self.path = path
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            return
        }
        let p = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0)
        if p == MAP_FAILED || p == nil { throw .io(path: path, operation: "mmap", errno: errno) }
        base = p
    }

    deinit { if let base { munmap(base, count) } }

    /// The mapped bytes. Valid while this object is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A bounds-checked slice; throws corruption naming the file when it does not fit.
    public func slice(offset: Int64, length: Int64, what: String) throws(StorageError) -> UnsafeRawBufferPointer {
        guard offset >= 0, length >= 0, offset <= Int64(count), length <= Int64(count) - offset else {
            throw .corruption(file: path, offset: offset, reason: "\(what) (\(length) bytes) lies outside the file of \(count) bytes")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset + length)])
    }
}
