/// Every failure the storage layer reports. Each case says what went wrong and where,
/// so a caller (or a person reading a log) can find the bad byte without a debugger.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A checksum, magic number or structural check failed inside `file` at byte `offset`.
    case corruption(file: String, offset: Int64, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// The file was written by a format version this build does not read.
    case unsupportedVersion(file: String, found: UInt32, supported: UInt32)
    /// The caller passed something the store cannot accept; nothing was written.
    case invalidArgument(String)
    /// No collection of that name (or id) exists.
    case unknownCollection(String)
    /// A collection with that name exists already.
    case collectionExists(String)
    /// Another process holds the database's lock.
    case locked(path: String)
    /// The store was closed; no more reads or writes.
    case closed
    /// A document's binary encoding is malformed (`offset` is within the encoding).
    case malformedDocument(offset: Int, reason: String)
    /// An earlier write, flush or merge failed (`cause`), and the flush that would resume
    /// writes failed too (`retry`; `errno` when that was a failed system call). Reads go
    /// on; every acknowledged write is safe.
    case writesSuspended(cause: String, retry: String, errno: Int32?)
    /// The database was written with segment extensions this writable open does not have
    /// (`names`): writing without them would make segments that lack their sections.
    case missingExtensions(path: String, names: [String])

    public var description: String {
        switch self {
        case let .corruption(file, offset, reason):
            return "corruption in \(file) at byte \(offset): \(reason)"
        case let .io(path, operation, errno):
            return "\(operation) failed for \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case let .unsupportedVersion(file, found, supported):
            return "\(file) has format version \(found); this build reads up to version \(supported)"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        case let .unknownCollection(name):
            return "no collection named '\(name)'"
        case let .collectionExists(name):
            return "collection '\(name)' exists already"
        case let .locked(path):
            return "database \(path) is in use by another process"
        case .closed:
            return "the store is closed"
        case let .malformedDocument(offset, reason):
            return "malformed document encoding at byte \(offset): \(reason)"
        case let .writesSuspended(cause, retry, _):
            return "writes are suspended since a write failed (\(cause)); resuming them failed too (\(retry)); they resume once the store can write a new segment, log and manifest"
        case let .missingExtensions(path, names):
            return "the database at \(path) was written with the segment extensions \(names.joined(separator: ", ")), which this program does not provide: open it through the engine (Database.open), or read-only"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
