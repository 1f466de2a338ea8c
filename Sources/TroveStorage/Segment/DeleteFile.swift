/// The persisted delete set of one segment (docs/FORMAT.md, "Delete files"). Written
/// whole under a new file number whenever it changes; the manifest names the current one.
enum DeleteFile {
    static let magic: [UInt8] = Array("TROVEDEL".utf8)
    static let version: UInt32 = 1

    static func encode(segment: UInt64, docCount: Int, deletes: DeleteSet) -> [UInt8] {
        let wordCount = (docCount + 63) / 64
        var w = ByteWriter(capacity: 40 + wordCount * 8)
        w.raw(magic)
        w.u32(version)
        w.u32(0)
        w.u64(segment)
        w.u64(UInt64(docCount))
        w.u64(UInt64(deletes.count))
        for i in 0..<wordCount { w.u64(i < deletes.words.count ? deletes.words[i] : 0) }
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    static func read(path: String, segment: UInt64, docCount: Int, fileSystem: any FileSystem = LocalFileSystem()) throws -> DeleteSet {
        let map = try fileSystem.map(path)
        let bytes = map.bytes
        let wordCount = (docCount + 63) / 64
        let expected = 40 + wordCount * 8 + 4
        guard bytes.count == expected else {
            throw StorageError.corruption(file: path, offset: 0, reason: "delete file is \(bytes.count) bytes, expected \(expected)")
        }
        guard Array(bytes[0..<8]) == magic else {
            throw StorageError.corruption(file: path, offset: 0, reason: "not a Trove delete file (bad magic)")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(expected - 4)])
        var r = ByteReader(bytes, offset: expected - 4)
        guard CRC32C.checksum(body) == (try r.u32()) else {
            throw StorageError.corruption(file: path, offset: Int64(expected - 4), reason: "delete file checksum mismatch")
        }
        r.offset = 8
        let v = try r.u32()
        guard v == version else { throw StorageError.unsupportedVersion(file: path, found: v, supported: version) }
        _ = try r.u32()
        let seg = try r.u64()
        let docs = try r.u64()
        let deleted = try r.u64()
        guard seg == segment, docs == UInt64(docCount) else {
            throw StorageError.corruption(file: path, offset: 16, reason: "delete file is for segment \(seg) with \(docs) docs, expected \(segment) with \(docCount)")
        }
        var words = [UInt64]()
        words.reserveCapacity(wordCount)
        for _ in 0..<wordCount { words.append(try r.u64()) }
        let set = DeleteSet(words: words)
        guard deleted <= UInt64(docCount), set.count == Int(deleted), words.last.map({ docCount % 64 == 0 || $0 >> UInt64(docCount % 64) == 0 }) ?? true else {
            throw StorageError.corruption(file: path, offset: 40, reason: "delete bitmap disagrees with its header")
        }
        return set
    }
}
