#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A random key kept in a file readable only by its owner (mode 0600): read when it
/// exists with the right length, else made from the system's random source and written
/// atomically. Download-link and JWT signing keys live this way in `data/secrets/`.
public enum SecretFile {
    public static func loadOrCreate(_ name: String, in folder: String, bytes count: Int = 32) throws(StorageError) -> [UInt8] {
        let path = folder + "/" + name
        if localFiles.exists(path), let file = try? localFiles.open(path, mode: .readOnly),
           let size = try? file.size(), size == Int64(count), let bytes = try? file.read(at: 0, count: count) {
            return bytes
        }
        try localFiles.createDirectory(folder)
        chmod(folder, 0o700)
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try localFiles.writeAtomically(bytes, to: path, directory: folder)
        chmod(path, 0o600)
        return bytes
    }
}

/// The real file system: this code reads and writes outside any store.
private let localFiles = LocalFileSystem()
