/// Appends framed records to one log file. Group commit lives in the store; this type
/// only writes and syncs.
final class WALWriter {
    let file: any OpenFile
    let fileNumber: UInt64
    private(set) var size: Int64

    /// Creates a new, empty log file with its header, durably.
    static func create(path: String, fileNumber: UInt64, directory: String, fileSystem: any FileSystem) throws(StorageError) -> WALWriter {
        let file = try fileSystem.open(path, mode: .create)
        try file.append(WALFormat.fileHeader(fileNumber: fileNumber))
        try file.sync()
        try fileSystem.syncDirectory(directory)
        return WALWriter(file: file, fileNumber: fileNumber, size: Int64(WALFormat.fileHeaderSize))
    }

    /// Reopens an existing log for appending after `validEnd`, cutting off anything beyond
    /// (a torn final record found by recovery).
    static func reopen(path: String, fileNumber: UInt64, validEnd: Int64, fileSystem: any FileSystem) throws(StorageError) -> WALWriter {
        let file = try fileSystem.open(path, mode: .existing)
        if try file.size() != validEnd {
            try file.truncate(to: validEnd)
            try file.sync()
        }
        return WALWriter(file: file, fileNumber: fileNumber, size: validEnd)
    }

    private init(file: any OpenFile, fileNumber: UInt64, size: Int64) {
        self.file = file
        self.fileNumber = fileNumber
        self.size = size
    }

    /// Appends already-framed records (one `write` for the whole group).
    func append(framed: [UInt8]) throws(StorageError) {
        try file.append(framed)
        size += Int64(framed.count)
    }

    func sync() throws(StorageError) { try file.sync() }
}
