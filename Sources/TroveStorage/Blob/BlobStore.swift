import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stored blob: its SHA-256 (lower-case hex, also its name) and its size.
public struct BlobInfo: Sendable, Equatable {
    public var sha256: String
    public var size: Int
    /// false when a blob with these bytes was already stored (deduplicated).
    public var created: Bool
}

/// Content-addressed files under one folder (docs/FORMAT.md, "Blob store"): a blob's name
/// is the SHA-256 of its bytes, so equal uploads are stored once, and a blob never
/// changes once written. A write goes to `tmp/`, is fsynced, renamed into
/// `sha256/<first two hex>/<hex>` and the directory fsynced: a crash leaves either no blob
/// or the whole blob. Reference counting is the caller's (the chat services keep it in
/// the engine, beside the files' metadata).
public struct BlobStore: Sendable {
    public let root: String
    let fs: any FileSystem

    /// Opens the store in `root`, creating its folders; leftovers of interrupted writes in
    /// `tmp/` are removed.
    public init(root: String, fileSystem: any FileSystem = LocalFileSystem()) throws(StorageError) {
        self.root = root
        fs = fileSystem
        for dir in [root, root + "/tmp", root + "/sha256"] where !fs.isDirectory(dir) {
            try fs.createDirectory(dir)
        }
        for name in (try? fs.list(root + "/tmp")) ?? [] { fs.remove(root + "/tmp/" + name) }
    }

    /// Whether `name` is a blob name (64 lower-case hex digits): anything else could
    /// point outside the store.
    public static func isValidName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) { out += [hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    /// The path of the blob named `sha256`.
    public func path(of sha256: String) throws(StorageError) -> String {
        guard Self.isValidName(sha256) else { throw .invalidArgument("'\(sha256)' is not a blob name (64 hex digits)") }
        return "\(root)/sha256/\(sha256.prefix(2))/\(sha256)"
    }

    /// Stores `bytes` durably, or finds them already stored.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws(StorageError) -> BlobInfo {
        let name = Self.sha256Hex(bytes)
        let target = try path(of: name)
        if fs.fileSize(target) == Int64(bytes.count), fs.exists(target) {
            return BlobInfo(sha256: name, size: bytes.count, created: false)
        }
        let folder = "\(root)/sha256/\(name.prefix(2))"
        if !fs.isDirectory(folder) {
            try fs.createDirectory(folder)
            try fs.syncDirectory(root + "/sha256")
        }
        let tmp = "\(root)/tmp/\(name).\(UInt32.random(in: 0...UInt32.max))"
        do {
            let file = try fs.open(tmp, mode: .create)
            try file.append(bytes)
            try file.sync()
            try fs.rename(tmp, to: target)
            try fs.syncDirectory(folder)
        } catch {
            fs.remove(tmp)
            throw error
        }
        return BlobInfo(sha256: name, size: bytes.count, created: true)
    }

    /// The bytes of a blob; nil when there is none. With `verify`, the bytes are hashed
    /// again and a mismatch is reported as corruption.
    public func read(_ sha256: String, verify: Bool = false) throws(StorageError) -> [UInt8]? {
        let p = try path(of: sha256)
        guard fs.exists(p) else { return nil }
        let file = try fs.open(p, mode: .readOnly)
        let bytes = try file.read(at: 0, count: Int(try file.size()))
        if verify, Self.sha256Hex(bytes) != sha256 {
            throw .corruption(file: p, offset: 0, reason: "contents do not hash to the blob's name")
        }
        return bytes
    }

    public func contains(_ sha256: String) -> Bool {
        (try? path(of: sha256)).map(fs.exists) ?? false
    }

    /// Removes a blob (nothing happens when there is none).
    public func remove(_ sha256: String) throws(StorageError) {
        let p = try path(of: sha256)
        guard fs.exists(p) else { return }
        if unlink(p) != 0 { throw .io(path: p, operation: "unlink", errno: errno) }
        try fs.syncDirectory("\(root)/sha256/\(sha256.prefix(2))")
    }

    /// The names of all stored blobs (for sweeping blobs no file refers to).
    public func names() throws(StorageError) -> [String] {
        var out: [String] = []
        for folder in try fs.list(root + "/sha256") where fs.isDirectory("\(root)/sha256/\(folder)") {
            out += try fs.list("\(root)/sha256/\(folder)").filter(Self.isValidName)
        }
        return out.sorted()
    }
}
