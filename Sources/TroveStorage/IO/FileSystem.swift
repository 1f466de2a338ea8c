/// Every file operation the store performs, behind one protocol (as LevelDB's `Env` and
/// Tantivy's `Directory`), so that a test can put a file system underneath that fails the
/// N-th write, fsync, rename or open, or tears a write, and check what the store does.
/// `LocalFileSystem` is the real one; `StoreOptions.fileSystem` picks it by default.
public protocol FileSystem: Sendable {
    /// Opens a file for appending and reading (`.create` makes it empty first).
    func open(_ path: String, mode: FileOpenMode) throws(StorageError) -> any OpenFile
    /// Maps a whole immutable file for reading.
    func map(_ path: String) throws(StorageError) -> MappedFile
    func rename(_ from: String, to: String) throws(StorageError)
    /// Removes a file; a failure is ignored (removal only ever reclaims space).
    func remove(_ path: String)
    /// fsync on a directory makes creations, renames and removals in it durable.
    func syncDirectory(_ path: String) throws(StorageError)
    /// Creates `path` and any missing parents (like `mkdir -p`), private to the owner.
    func createDirectory(_ path: String) throws(StorageError)
    /// The names in a directory, sorted, without `.` and `..`.
    func list(_ path: String) throws(StorageError) -> [String]
    func exists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
    /// The size of a file, or 0 when it cannot be read.
    func fileSize(_ path: String) -> Int64
}

/// How `FileSystem.open` treats the file.
public enum FileOpenMode: Sendable, Equatable {
    /// Create it, or cut an existing one to zero bytes.
    case create
    /// An existing file, for appending at its end and reading.
    case existing
    /// An existing file, for reading only.
    case readOnly
}

/// An open file: appended to, read at offsets, synced, cut.
public protocol OpenFile: AnyObject, Sendable {
    var path: String { get }
    func size() throws(StorageError) -> Int64
    /// Writes all of `bytes` at the end (files are only ever appended to).
    func append(_ bytes: UnsafeRawBufferPointer) throws(StorageError)
    /// Reads `count` bytes at `offset`, or fewer at the end of the file.
    func read(at offset: Int64, count: Int) throws(StorageError) -> [UInt8]
    /// Makes the written data durable (fdatasync).
    func sync() throws(StorageError)
    /// Cuts the file to `size` bytes; later appends go after that.
    func truncate(to size: Int64) throws(StorageError)
}

extension OpenFile {
    public func append(_ bytes: [UInt8]) throws(StorageError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(StorageError) in try append(raw) } }
        try result.get()
    }
}

extension FileSystem {
    /// Writes `bytes` to `path` so that a crash leaves either the old file or the new one:
    /// write a temporary file, fsync it, rename it over `path`, fsync the directory.
    public func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(StorageError) {
        let tmp = path + ".tmp"
        let file = try open(tmp, mode: .create)
        try file.append(bytes)
        try file.sync()
        try rename(tmp, to: path)
        try syncDirectory(directory)
    }
}
