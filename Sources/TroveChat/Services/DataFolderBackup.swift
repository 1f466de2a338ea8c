import Foundation
import TroveEngine
import TroveStorage

/// A copy of a whole data folder: the engine database (online, each batch wholly or not at
/// all), every blob, and the secrets (the JWT key, the link-signing key), so a restore
/// signs in the same users and serves the same files and links.
///
/// Order matters: a blob is written before the batch that counts it, so blobs copied after
/// the engine include every blob the copied records name; blobs uploaded meanwhile come
/// along as orphans and are swept when the copy is opened.
public enum DataFolderBackup {
    public struct Report: Sendable {
        public var engine: BackupReport
        public var blobs: Int
        public var blobBytes: Int64
        public var secrets: Int
    }

    /// Copies `dataFolder` (whose engine is `database`) into `destination`, which must not
    /// exist or be empty. On failure nothing is left in `destination` but what was there.
    public static func run(database: Database, dataFolder: String, to destination: String) throws -> Report {
        if LocalFileSystem().exists(destination) {
            guard LocalFileSystem().isDirectory(destination), try LocalFileSystem().list(destination).isEmpty else {
                throw StorageError.invalidArgument("the backup folder \(destination) exists and is not empty")
            }
        }
        try LocalFileSystem().createDirectory(destination)
        do {
            let engine = try database.backup(to: destination + "/engine")
            let (blobs, bytes) = try copyBlobs(from: dataFolder + "/blobs", to: destination + "/blobs")
            let secrets = try copySecrets(from: dataFolder + "/secrets", to: destination + "/secrets")
            try LocalFileSystem().syncDirectory(destination)
            return Report(engine: engine, blobs: blobs, blobBytes: bytes, secrets: secrets)
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }

    private static func copyBlobs(from source: String, to target: String) throws -> (Int, Int64) {
        guard LocalFileSystem().isDirectory(source) else { return (0, 0) }
        let store = try BlobStore(root: source)
        var files = BackupFiles(source: source, destination: target)
        var count = 0
        for name in try store.names() {
            let folder = "sha256/\(name.prefix(2))"
            try LocalFileSystem().createDirectory(target + "/" + folder)
            try files.place(folder + "/" + name)
            count += 1
        }
        return (count, files.linkedBytes + files.copiedBytes)
    }

    private static func copySecrets(from source: String, to target: String) throws -> Int {
        guard LocalFileSystem().isDirectory(source) else { return 0 }
        try LocalFileSystem().createDirectory(target)
        var count = 0
        for name in try LocalFileSystem().list(source) where !name.hasSuffix(".tmp") {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source + "/" + name)))
            try LocalFileSystem().writeAtomically(bytes, to: target + "/" + name, directory: target)
            count += 1
        }
        return count
    }
}
