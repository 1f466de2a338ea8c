/// The root of a database: which collections exist, which segment and delete files are
/// live, and from which log file recovery replays. Replaced whole by atomic rename.
public struct Manifest: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var number: UInt64
        public var docCount: Int
        /// 0 when the segment has no deletes.
        public var deleteFile: UInt64
        public var deletedCount: Int
        public var fileSize: Int64
    }

    public struct Collection: Sendable, Equatable {
        public var id: UInt32
        public var name: String
        /// Opaque to storage: higher layers keep a collection's schema here.
        public var metadata: [UInt8]
        public var segments: [Segment]
    }

    static let fileName = "MANIFEST"
    static let magic: [UInt8] = Array("TROVEMAN".utf8)
    /// Version 2 added `requiredExtensions`; version 1 manifests are still read (as
    /// requiring none).
    public static let version: UInt32 = 2

    /// File numbers and generations stay below this: a counter read from disk at the top
    /// of its type would overflow on its next use, so such a manifest is refused as
    /// corrupt (2^48 flushes is far beyond any real database's life).
    public static let maximumCounter: UInt64 = 1 << 48

    public var generation: UInt64
    public var nextFileNumber: UInt64
    /// Recovery replays log files numbered this or higher.
    public var walNumber: UInt64
    public var nextCollectionID: UInt32
    public var collections: [Collection]
    /// Names of the segment extensions the store was written with, sorted: a writable
    /// open must provide each.
    public var requiredExtensions: [String] = []

    func encode() -> [UInt8] {
        var w = ByteWriter()
        w.raw(Self.magic)
        w.u32(Self.version)
        w.u32(0)
        w.u64(generation)
        w.u64(nextFileNumber)
        w.u64(walNumber)
        w.u32(nextCollectionID)
        w.varint(collections.count)
        for c in collections {
            w.u32(c.id)
            w.string(c.name)
            w.lengthPrefixed(c.metadata)
            w.varint(c.segments.count)
            for s in c.segments {
                w.u64(s.number)
                w.u64(UInt64(s.docCount))
                w.u64(s.deleteFile)
                w.u64(UInt64(s.deletedCount))
                w.u64(UInt64(s.fileSize))
            }
        }
        w.varint(requiredExtensions.count)
        for name in requiredExtensions { w.string(name) }
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Manifest {
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else {
            throw StorageError.corruption(file: path, offset: 0, reason: "not a Trove manifest (bad magic or too short)")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
        var tail = ByteReader(bytes, offset: bytes.count - 4)
        guard CRC32C.checksum(body) == (try tail.u32()) else {
            throw StorageError.corruption(file: path, offset: Int64(bytes.count - 4), reason: "manifest checksum mismatch")
        }
        var r = ByteReader(body, offset: 8)
        do {
            let v = try r.u32()
            guard v == 1 || v == version else { throw StorageError.unsupportedVersion(file: path, found: v, supported: version) }
            _ = try r.u32()
            var m = Manifest(generation: try r.u64(), nextFileNumber: try r.u64(), walNumber: try r.u64(), nextCollectionID: try r.u32(), collections: [])
            guard m.generation < maximumCounter, m.nextFileNumber < maximumCounter, m.walNumber < maximumCounter, m.nextCollectionID < UInt32.max else {
                throw DecodeError(offset: 16, reason: "a counter is out of range (generation \(m.generation), next file \(m.nextFileNumber), log \(m.walNumber), next collection \(m.nextCollectionID))")
            }
            let n = try r.length(limit: r.remaining)
            for _ in 0..<n {
                var c = Collection(id: try r.u32(), name: try r.string(), metadata: [UInt8](try r.lengthPrefixed()), segments: [])
                let s = try r.length(limit: r.remaining / 40)
                for _ in 0..<s {
                    let number = try r.u64()
                    let docs = try r.u64(), deleteFile = try r.u64(), deleted = try r.u64(), size = try r.u64()
                    guard docs <= UInt64(UInt32.max), deleted <= docs, size <= UInt64(Int64.max), number < maximumCounter, deleteFile < maximumCounter else {
                        throw DecodeError(offset: r.offset - 32, reason: "segment \(number) has impossible counts")
                    }
                    c.segments.append(Segment(number: number, docCount: Int(docs), deleteFile: deleteFile, deletedCount: Int(deleted), fileSize: Int64(size)))
                }
                m.collections.append(c)
            }
            if v >= 2 {
                let count = try r.length(limit: r.remaining)
                for _ in 0..<count { m.requiredExtensions.append(try r.string()) }
            }
            guard r.isAtEnd else { throw DecodeError(offset: r.offset, reason: "trailing bytes") }
            return m
        } catch let e as DecodeError {
            throw StorageError.corruption(file: path, offset: Int64(e.offset), reason: "manifest: \(e.reason)")
        }
    }

    static func read(directory: String, fileSystem: any FileSystem = LocalFileSystem()) throws -> Manifest {
        let path = directory + "/" + fileName
        let map = try fileSystem.map(path)
        return try decode(map.bytes, path: path)
    }

    func write(directory: String, fileSystem: any FileSystem) throws(StorageError) {
        try fileSystem.writeAtomically(encode(), to: directory + "/" + Self.fileName, directory: directory)
    }
}

/// File names inside a database folder.
enum FileNames {
    static func segment(_ n: UInt64) -> String { pad(n) + ".seg" }
    static func deletes(_ n: UInt64) -> String { pad(n) + ".del" }
    static func wal(_ n: UInt64) -> String { pad(n) + ".wal" }
    static let lock = "LOCK"

    static func pad(_ n: UInt64) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    /// The number and kind of a numbered file name like `000012.seg`; only names this
    /// layer writes (zero-padded to six digits, below `Manifest.maximumCounter`) parse.
    static func parse(_ name: String) -> (number: UInt64, kind: String)? {
        guard let dot = name.firstIndex(of: "."), let n = UInt64(name[..<dot]), pad(n) == name[..<dot], n < Manifest.maximumCounter else { return nil }
        return (n, String(name[name.index(after: dot)...]))
    }
}
