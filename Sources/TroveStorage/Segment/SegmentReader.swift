import Foundation
import Synchronization

/// An open, immutable segment file, read through mmap.
///
/// Opening checks the header, the footer, the section table and the checksums of the
/// small sections; document blocks are checked when they are read (and all of them by
/// `Verifier`), so a damaged block costs the documents in it and nothing else.
/// When the store retires a segment it marks it obsolete; the file is removed when the
/// last snapshot that holds this reader lets go of it.
public final class SegmentReader: @unchecked Sendable {
    public let number: UInt64
    public let path: String
    public let docCount: Int
    public let sections: [SectionEntry]
    let map: MappedFile
    let cache: BlockCache
    private let blockIndex: UnsafeRawBufferPointer
    private let blockCount: Int
    private let idHashes: UnsafeRawBufferPointer
    private let idOrdinals: UnsafeRawBufferPointer
    private let bloom: BloomFilter
    private let dictionaries: BlockDictionaries
    /// The header's version (`SegmentFormat.version` or `.multiDictionaryVersion`).
    let version: UInt32
    private let obsolete = Atomic<Bool>(false)
    private let fileSystem: any FileSystem

    public init(path: String, number: UInt64, cache: BlockCache, fileSystem: any FileSystem = LocalFileSystem()) throws {
        self.fileSystem = fileSystem
        let map = try fileSystem.map(path)
        let bytes = map.bytes
        let minimum = SegmentFormat.sectionAlignment + SegmentFormat.footerSize
        guard bytes.count >= minimum else {
            throw StorageError.corruption(file: path, offset: 0, reason: "segment is \(bytes.count) bytes, shorter than header and footer")
        }
        guard Array(bytes[0..<8]) == SegmentFormat.headerMagic else {
            throw StorageError.corruption(file: path, offset: 0, reason: "not a Trove segment (bad header magic)")
        }
        let headerVersion = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard headerVersion == SegmentFormat.version || headerVersion == SegmentFormat.multiDictionaryVersion else {
            throw StorageError.unsupportedVersion(file: path, found: headerVersion, supported: SegmentFormat.multiDictionaryVersion)
        }
        let layout = try SegmentLayout.read(map)
        guard layout.version == headerVersion else {
            throw StorageError.corruption(file: path, offset: 8, reason: "header version \(headerVersion) disagrees with footer version \(layout.version)")
        }
        version = headerVersion
        self.map = map
        self.path = path
        self.number = number
        self.cache = cache
        docCount = layout.docCount
        sections = layout.sections
        let index = try layout.checkedSection(.blockIndex, in: map)
        guard index.count % SegmentFormat.blockEntrySize == 0 else {
            throw StorageError.corruption(file: path, offset: layout.entry(.blockIndex)?.offset ?? 0, reason: "block index length is not a multiple of its entry size")
        }
        blockIndex = index
        blockCount = index.count / SegmentFormat.blockEntrySize
        let ids = try layout.checkedSection(.idHashes, in: map)
        guard ids.count == docCount * 12 else {
            throw StorageError.corruption(file: path, offset: layout.entry(.idHashes)?.offset ?? 0, reason: "id table holds \(ids.count) bytes for \(docCount) documents")
        }
        idHashes = UnsafeRawBufferPointer(rebasing: ids[0..<(docCount * 8)])
        idOrdinals = UnsafeRawBufferPointer(rebasing: ids[(docCount * 8)...])
        let bloomBytes = try layout.checkedSection(.idBloom, in: map)
        guard let bloom = BloomFilter(section: bloomBytes) else {
            throw StorageError.corruption(file: path, offset: layout.entry(.idBloom)?.offset ?? 0, reason: "malformed Bloom filter")
        }
        self.bloom = bloom
        dictionaries = try Self.dictionaries(layout, map: map, version: headerVersion, blockCount: blockCount)
        try checkBlockIndex()
    }

    /// Version 1: ZDIC for every block, or none. Version 2: ZDCT and DOCZ, and no ZDIC.
    private static func dictionaries(_ layout: SegmentLayout, map: MappedFile, version: UInt32, blockCount: Int) throws -> BlockDictionaries {
        let path = map.path
        func offset(_ tag: SectionTag) -> Int64 { layout.entry(tag)?.offset ?? 0 }
        guard version == SegmentFormat.multiDictionaryVersion else {
            guard layout.entry(.dictionary) != nil else { return BlockDictionaries(single: nil) }
            let dict = try layout.checkedSection(.dictionary, in: map)
            guard let loaded = ZstdDictionary(bytes: [UInt8](dict), level: nil) else {
                throw StorageError.corruption(file: path, offset: offset(.dictionary), reason: "zstd dictionary does not load")
            }
            return BlockDictionaries(single: loaded)
        }
        guard layout.entry(.dictionary) == nil else {
            throw StorageError.corruption(file: path, offset: offset(.dictionary), reason: "a version-2 segment has a ZDIC section")
        }
        return try BlockDictionaries(list: try layout.checkedSection(.dictionaries, in: map),
                                     blocks: try layout.checkedSection(.blockDictionaries, in: map), blockCount: blockCount) { tag, reason in
            StorageError.corruption(file: path, offset: offset(tag), reason: "section \(tag) \(reason)")
        }
    }

    deinit {
        if obsolete.load(ordering: .acquiring) {
            cache.evict(segment: number)
            fileSystem.remove(path)
        }
    }

    /// Marks the file for removal once no snapshot holds this reader.
    func retire() { obsolete.store(true, ordering: .releasing) }

    /// Where a section starts in the file (for errors that name an offset), or 0.
    public func offset(of tag: SectionTag) -> Int64 {
        sections.first { $0.tag == tag }?.offset ?? 0
    }

    /// The bytes of a section added by a higher layer, checksum-verified, or nil.
    public func section(_ tag: SectionTag) throws -> UnsafeRawBufferPointer? {
        guard let entry = sections.first(where: { $0.tag == tag }) else { return nil }
        let bytes = try map.slice(offset: entry.offset, length: entry.length, what: "section \(tag)")
        guard CRC32C.checksum(bytes) == entry.checksum else {
            throw StorageError.corruption(file: path, offset: entry.offset, reason: "section \(tag) checksum mismatch")
        }
        return bytes
    }

    struct BlockEntry {
        let offset: Int64
        let compressedLength: Int
        let length: Int
        let firstOrdinal: Int
        let checksum: UInt32
    }

    func blockEntry(_ i: Int) -> BlockEntry {
        let base = i * SegmentFormat.blockEntrySize
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: blockIndex.loadUnaligned(fromByteOffset: base + at, as: UInt32.self)) }
        let offset = UInt64(littleEndian: blockIndex.loadUnaligned(fromByteOffset: base, as: UInt64.self))
        return BlockEntry(offset: Int64(bitPattern: offset), compressedLength: Int(u32(8)), length: Int(u32(12)), firstOrdinal: Int(u32(16)), checksum: u32(20))
    }

    var blocks: Int { blockCount }

    private func checkBlockIndex() throws {
        var expectedFirst = 0
        guard let docs = sections.first(where: { $0.tag == .documentBlocks }) else {
            throw StorageError.corruption(file: path, offset: 0, reason: "segment has no document blocks section")
        }
        for i in 0..<blockCount {
            let e = blockEntry(i)
            guard e.firstOrdinal == expectedFirst, e.offset >= docs.offset, e.offset <= docs.offset + docs.length,
                  Int64(e.compressedLength) <= docs.offset + docs.length - e.offset else {
                throw StorageError.corruption(file: path, offset: (sections.first { $0.tag == .blockIndex }?.offset ?? 0) + Int64(i * SegmentFormat.blockEntrySize), reason: "block index entry \(i) is inconsistent")
            }
            let next = i + 1 < blockCount ? blockEntry(i + 1).firstOrdinal : docCount
            guard next > e.firstOrdinal else {
                throw StorageError.corruption(file: path, offset: e.offset, reason: "block \(i) holds no documents")
            }
            expectedFirst = next
        }
        guard expectedFirst == docCount else {
            throw StorageError.corruption(file: path, offset: 0, reason: "block index covers \(expectedFirst) of \(docCount) documents")
        }
    }

    /// The compressed bytes of block `i`, after their checksum holds.
    func compressedBlock(_ i: Int) throws -> UnsafeRawBufferPointer {
        let e = blockEntry(i)
        let compressed = try map.slice(offset: e.offset, length: Int64(e.compressedLength), what: "block \(i)")
        guard CRC32C.checksum(compressed) == e.checksum else {
            throw StorageError.corruption(file: path, offset: e.offset, reason: "block \(i) checksum mismatch (\(e.compressedLength) bytes)")
        }
        return compressed
    }

    /// The dictionary block `i` was compressed with; nil for a plain zstd frame.
    func dictionary(ofBlock i: Int) -> ZstdDictionary? { dictionaries.forBlock(i) }

    /// Every dictionary the segment's blocks use.
    var allDictionaries: [ZstdDictionary] { dictionaries.all }

    /// The decompressed block `i`, from the cache or from disk after its checksum holds.
    func block(_ i: Int, useCache: Bool = true) throws -> [UInt8] {
        if useCache, let hit = cache.get(segment: number, block: i) { return hit }
        let e = blockEntry(i)
        let compressed = try compressedBlock(i)
        let raw: [UInt8]
        do { raw = try Zstd.decompress(compressed, expectedSize: e.length, dictionary: dictionaries.forBlock(i)) } catch let err as DecodeError {
            throw StorageError.corruption(file: path, offset: e.offset, reason: "block \(i): \(err.reason)")
        }
        if useCache { cache.put(segment: number, block: i, bytes: raw) }
        return raw
    }

    /// How many documents the block index says block `i` holds.
    func documentCount(ofBlock i: Int) -> Int {
        (i + 1 < blockCount ? blockEntry(i + 1).firstOrdinal : docCount) - blockEntry(i).firstOrdinal
    }

    /// The block's table, checked to hold as many documents as the block index says: a
    /// block that holds more (its own checksum is good) would hand out ordinals past the
    /// segment's end.
    private func documents(in bytes: UnsafeRawBufferPointer, block b: Int) throws -> DocumentBlock {
        let docs = try DocumentBlock(bytes)
        guard docs.count == documentCount(ofBlock: b) else {
            throw DecodeError(offset: 0, reason: "block holds \(docs.count) documents; the block index says \(documentCount(ofBlock: b))")
        }
        return docs
    }

    /// Which block holds `ordinal` (binary search over first ordinals).
    func blockNumber(for ordinal: Int) -> Int {
        var lo = 0, hi = blockCount - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if blockEntry(mid).firstOrdinal <= ordinal { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Calls `body` with the encoding of the document at `ordinal`.
    func withEncoded<R>(at ordinal: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard ordinal >= 0, ordinal < docCount else {
            throw StorageError.invalidArgument("ordinal \(ordinal) outside segment \(number) of \(docCount) documents")
        }
        let b = blockNumber(for: ordinal)
        let first = blockEntry(b).firstOrdinal
        let raw = try block(b)
        return try raw.withUnsafeBytes { bytes in
            do {
                return try body(try documents(in: bytes, block: b).encoded(at: ordinal - first))
            } catch let e as DecodeError {
                throw StorageError.corruption(file: path, offset: blockEntry(b).offset, reason: "block \(b) offset \(e.offset): \(e.reason)")
            }
        }
    }

    /// The id of the document at `ordinal`, without decoding its fields.
    public func id(at ordinal: Int) throws -> String {
        try withEncoded(at: ordinal) { try DocumentCodec.decodeID($0) }
    }

    /// The document at `ordinal`.
    public func document(at ordinal: Int) throws -> Document {
        try withEncoded(at: ordinal) { try DocumentCodec.decode($0) }
    }

    /// The ordinal of the document with this id, whether or not it is deleted.
    public func ordinal(of id: String) throws -> Int? {
        try lookup(id, hash: IDHash.hash(id))?.ordinal
    }

    /// The ordinal and a copy of the encoding of the document with this id (deleted or
    /// not), reading its block once.
    func lookup(_ id: String, hash h: UInt64) throws -> (ordinal: Int, encoded: [UInt8])? {
        guard docCount > 0, bloom.mayContain(h) else { return nil }
        var want = id
        var i = firstIndex(ofHash: h)
        while i < docCount, hashAt(i) == h {
            let ordinal = Int(UInt32(littleEndian: idOrdinals.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            guard ordinal < docCount else {
                throw StorageError.corruption(file: path, offset: sections.first { $0.tag == .idHashes }.map { $0.offset + Int64(docCount * 8 + i * 4) } ?? 0,
                                              reason: "id table names ordinal \(ordinal) of \(docCount)")
            }
            let match: [UInt8]? = try withEncoded(at: ordinal) { enc in
                var r = ByteReader(enc)
                let stored = try r.lengthPrefixed()
                let same = want.withUTF8 { w in stored.elementsEqual(UnsafeRawBufferPointer(w)) }
                return same ? [UInt8](enc) : nil
            }
            if let match { return (ordinal, match) }
            i += 1
        }
        return nil
    }

    /// The first position in the sorted hash table whose hash is not below `h`. Hashes are
    /// uniform, so the search starts where `h` would fall in proportion and widens from
    /// there: one or two cache misses instead of a binary search's twenty.
    private func firstIndex(ofHash h: UInt64) -> Int {
        let guess = Int((Double(h) / 18_446_744_073_709_551_616.0) * Double(docCount))
        var lo = max(0, min(docCount - 1, guess)), hi = lo
        var step = 16
        while lo > 0 && hashAt(lo) >= h { lo = max(0, lo - step); step *= 2 }
        step = 16
        while hi < docCount && hashAt(hi) < h { hi = min(docCount, hi + step); step *= 2 }
        while lo < hi {
            let mid = (lo + hi) / 2
            if hashAt(mid) < h { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @inline(__always) private func hashAt(_ i: Int) -> UInt64 {
        UInt64(littleEndian: idHashes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
    }

    /// Copies of the documents in up to `blocks` blocks spread evenly over the segment:
    /// the training samples for a merged segment's dictionary.
    func sampleEncodings(blocks: Int) throws -> [[UInt8]] {
        guard blockCount > 0 else { return [] }
        var out: [[UInt8]] = []
        let step = max(1, blockCount / blocks)
        for b in stride(from: 0, to: blockCount, by: step) {
            try block(b, useCache: false).withUnsafeBytes { bytes in
                do {
                    let docs = try documents(in: bytes, block: b)
                    for i in 0..<docs.count { out.append([UInt8](try docs.encoded(at: i))) }
                } catch let e as DecodeError {
                    throw StorageError.corruption(file: path, offset: blockEntry(b).offset, reason: "block \(b) offset \(e.offset): \(e.reason)")
                }
            }
        }
        return out
    }

    /// Calls `body` with every block's number, first ordinal and documents, in order,
    /// reading blocks without filling the cache (merges and exports would only evict hot
    /// blocks). A block whose table lies is corruption at that block.
    func forEachBlock(_ body: (Int, Int, DocumentBlock) throws -> Bool) throws {
        for b in 0..<blockCount {
            let raw = try block(b, useCache: false)
            let first = blockEntry(b).firstOrdinal
            let keepGoing: Bool = try raw.withUnsafeBytes { bytes in
                do {
                    return try body(b, first, try documents(in: bytes, block: b))
                } catch let e as DecodeError {
                    throw StorageError.corruption(file: path, offset: blockEntry(b).offset, reason: "block \(b) offset \(e.offset): \(e.reason)")
                }
            }
            if !keepGoing { return }
        }
    }

    /// Calls `body` with every document's ordinal and encoding, in order, as `forEachBlock`.
    func forEachEncoded(_ body: (Int, UnsafeRawBufferPointer) throws -> Bool) throws {
        try forEachBlock { _, first, docs in
            for k in 0..<docs.count where try !body(first + k, try docs.encoded(at: k)) { return false }
            return true
        }
    }
}
