#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TroveStorage

/// The data folder's `secrets/` directory: random keys, each in a file readable only by
/// its owner (mode 0600, in a 0700 folder). A key is read when its file exists with the
/// right length, else made from the system's random source and written atomically. The
/// download-link and JWT signing keys live here. It sits in the chat layer, beside the
/// other things the data folder holds, so the HTTP layer need not reach into storage.
public struct SecretKeys: Sendable {
    /// The folder the key files are in.
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// The key kept as `name`, made there when missing or of another length.
    public func key(_ name: String, bytes count: Int = 32) throws(StorageError) -> [UInt8] {
        let files = LocalFileSystem()
        let path = folder + "/" + name
        if files.exists(path), let file = try? files.open(path, mode: .readOnly),
           let size = try? file.size(), size == Int64(count), let bytes = try? file.read(at: 0, count: count) {
            return bytes
        }
        try files.createDirectory(folder)
        chmod(folder, 0o700)
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try files.writeAtomically(bytes, to: path, directory: folder)
        chmod(path, 0o600)
        return bytes
    }

    /// The data key (`data.key`, 32 bytes) that seals the agents' provider keys: made when
    /// missing, but never replaced. A file of another length throws, because a new key
    /// could not open what the old one sealed.
    public func dataKey(_ name: String = "data.key") throws(StorageError) -> [UInt8] {
        let files = LocalFileSystem()
        let path = folder + "/" + name
        guard files.exists(path) else { return try key(name) }
        let file = try files.open(path, mode: .readOnly)
        let size = try file.size()
        guard size == 32 else {
            throw .corruption(file: path, offset: 0,
                              reason: "expected 32 bytes, found \(size): restore secrets/\(name) from a backup (a new key cannot open the sealed provider keys)")
        }
        return try file.read(at: 0, count: 32)
    }
}
