import Dispatch
import Foundation

/// A higher layer's contribution to a segment: it sees every document written, in
/// ordinal order, and returns its own typed sections (postings, vectors, columns).
public protocol SegmentSectionBuilder: AnyObject {
    func add(ordinal: Int, document: Document) throws
    func finish() throws -> [(tag: SectionTag, bytes: [UInt8])]
}

/// Makes section builders for the segments of a collection; registered in `StoreOptions`.
public protocol SegmentExtension: Sendable {
    /// A stable name ("trove.text"). Once a store is written with an extension, its
    /// manifest requires it: a later writable open without it is refused, or segments
    /// would be flushed without its sections and documents written without its checks.
    var name: String { get }

    /// A builder for a new segment of `collection`, or nil when this extension adds nothing.
    func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)?

    /// Checks a document before it is written; a thrown error refuses the whole batch and
    /// nothing reaches the log (for example a vector of the wrong dimension).
    func validate(_ document: Document, collection: String, metadata: [UInt8]) throws

    /// Called once the store has recovered, before background merges start: the place to
    /// load state kept in segments (trained quantizers), so nothing is rebuilt.
    func storeDidOpen(_ snapshot: Snapshot) throws

    /// A builder for the segment a merge writes from `sources`. It still sees every live
    /// document, renumbered, but may read what it needs from the sources' sections instead
    /// (merged postings). By default, `makeBuilder`'s.
    func makeMergeBuilder(collection: String, metadata: [UInt8], sources: [MergeSource]) -> (any SegmentSectionBuilder)?
}

/// A segment being merged, and where each of its documents lands in the output.
public struct MergeSource {
    public let reader: SegmentReader
    /// Per ordinal of `reader`: its ordinal in the merged segment, or −1 when dropped.
    public let ordinals: [Int32]

    public init(reader: SegmentReader, ordinals: [Int32]) {
        self.reader = reader
        self.ordinals = ordinals
    }
}

extension SegmentExtension {
    public func makeMergeBuilder(collection: String, metadata: [UInt8], sources: [MergeSource]) -> (any SegmentSectionBuilder)? {
        makeBuilder(collection: collection, metadata: metadata)
    }

    public func validate(_ document: Document, collection: String, metadata: [UInt8]) throws {}
    public func storeDidOpen(_ snapshot: Snapshot) throws {}
}

/// Writes one immutable segment file from documents handed over in ordinal order.
/// Blocks are compressed in groups on both cores and written as they fill, so a large
/// flush or merge holds only a few blocks in memory. A writer made with `copying` writes
/// a version-2 segment, whose blocks may each use a different dictionary: a merge then
/// hands over its sources' compressed blocks whole (`add(copiedBlock:)`) and compresses
/// only the blocks it had to rebuild.
final class SegmentWriter {
    let path: String
    private let file: any OpenFile
    private let blockSize: Int
    private let compressors: [ZstdCompressor]
    private let builders: [any SegmentSectionBuilder]
    private let version: UInt32
    /// Version 1: the trained dictionary of every block, or none. Version 2: those the
    /// blocks written so far use, in the order first used.
    private var dictionaries: [ZstdDictionary] = []
    /// The dictionary new blocks are compressed with (an index, or `noDictionary`).
    private var active = SegmentFormat.noDictionary

    private var pendingBlocks: [PendingBlock] = []
    private var current: [[UInt8]] = []
    private var currentBytes = 0
    private var currentFirst = 0
    private var blockIndex = ByteWriter()
    private var blockDictionaries: [UInt16] = []
    private var hashes: [UInt64] = []
    private var written: Int64 = 0
    private var docCrc: UInt32 = 0
    private(set) var docCount = 0

    /// A closed block waiting to be written: raw until compressed, or copied already compressed.
    private struct PendingBlock {
        let first: Int
        var bytes: [UInt8]
        let length: Int
        var compressed: Bool
        let dictionary: UInt16
    }

    /// Blocks are compressed with `dictionary` (made for compression at `level`) when
    /// given, else with one trained on `samples` (document encodings spread over what will
    /// be written); with too few, without one. With `copying`, nothing is trained: blocks
    /// use the dictionaries handed to `use`.
    init(path: String, blockSize: Int, level: Int32, builders: [any SegmentSectionBuilder], samples: [[UInt8]] = [],
         dictionary: ZstdDictionary? = nil, copying: Bool = false, fileSystem: any FileSystem) throws(StorageError) {
        self.path = path
        version = copying ? SegmentFormat.multiDictionaryVersion : SegmentFormat.version
        if !copying, let chosen = dictionary ?? ZstdDictionary.train(samples: samples, level: level) {
            guard chosen.compression != nil else { throw StorageError.invalidArgument("a dictionary made only for reading") }
            dictionaries = [chosen]
            active = 0
        }
        self.blockSize = blockSize
        self.builders = builders
        compressors = [ZstdCompressor(level: level), ZstdCompressor(level: level)]
        file = try fileSystem.open(path, mode: .create)
        var header = ByteWriter()
        header.raw(SegmentFormat.headerMagic)
        header.u32(version)
        header.u32(0)
        header.pad(to: SegmentFormat.sectionAlignment)
        try write(header.bytes)
    }

    /// Version 2 only: blocks closed from now on are compressed with `dictionary` (which
    /// must have been made for compression), or plainly when nil.
    func use(dictionary: ZstdDictionary?) throws {
        if let dictionary, dictionary.compression == nil { throw StorageError.invalidArgument("a dictionary made only for reading") }
        let index = try self.index(of: dictionary)
        guard index != active else { return }
        try closeBlock()
        active = index
    }

    /// Version 2 only: appends a whole block as compressed by a source segment with
    /// `dictionary`. `documents` is that block decompressed: its documents go to the
    /// section builders and the id table as `add(encoded:)`'s would.
    func add(copiedBlock compressed: UnsafeRawBufferPointer, documents: DocumentBlock, dictionary: ZstdDictionary?) throws {
        let index = try self.index(of: dictionary)
        try closeBlock()
        let first = docCount
        for i in 0..<documents.count { try note(try documents.encoded(at: i)) }
        pendingBlocks.append(PendingBlock(first: first, bytes: [UInt8](compressed), length: documents.bytes.count, compressed: true, dictionary: index))
        currentFirst = docCount
        if pendingBlocks.count >= 16 { try writePendingBlocks() }
    }

    private func index(of dictionary: ZstdDictionary?) throws -> UInt16 {
        guard version == SegmentFormat.multiDictionaryVersion else { throw StorageError.invalidArgument("a version-1 segment writer has one dictionary") }
        guard let dictionary else { return SegmentFormat.noDictionary }
        if let i = dictionaries.firstIndex(where: { $0 === dictionary }) { return UInt16(i) }
        guard dictionaries.count < SegmentFormat.maximumDictionaries else {
            throw StorageError.invalidArgument("a segment holds at most \(SegmentFormat.maximumDictionaries) dictionaries")
        }
        dictionaries.append(dictionary)
        return UInt16(dictionaries.count - 1)
    }

    /// What every document written leaves behind besides its block: the builders' view
    /// and its id hash.
    private func note(_ encoded: UnsafeRawBufferPointer) throws {
        if !builders.isEmpty {
            let doc = try DocumentCodec.decode(encoded)
            for b in builders { try b.add(ordinal: docCount, document: doc) }
        }
        var r = ByteReader(encoded)
        hashes.append(IDHash.hash(try r.lengthPrefixed()))
        docCount += 1
    }

    /// Adds the next document, given as its binary encoding.
    func add(encoded: UnsafeRawBufferPointer) throws {
        try note(encoded)
        current.append([UInt8](encoded))
        currentBytes += encoded.count
        if currentBytes >= blockSize { try closeBlock() }
    }

    private func closeBlock() throws(StorageError) {
        guard !current.isEmpty else { return }
        let bytes = DocumentBlock.build(current, dataBytes: currentBytes)
        pendingBlocks.append(PendingBlock(first: currentFirst, bytes: bytes, length: bytes.count, compressed: false, dictionary: active))
        currentFirst = docCount
        currentBytes = 0
        current.removeAll(keepingCapacity: true)
        if pendingBlocks.count >= 16 { try writePendingBlocks() }
    }

    private func writePendingBlocks() throws(StorageError) {
        var blocks = pendingBlocks
        pendingBlocks.removeAll(keepingCapacity: true)
        let compressors = self.compressors
        let dictionaries = self.dictionaries
        // The second lane gets a thread of its own, not `concurrentPerform`: flushes run
        // while writers on the pool's few threads may be waiting for them, and a helper
        // queued behind those threads would never start.
        blocks.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let outBase = out
            let done = DispatchSemaphore(value: 0)
            @Sendable func lane(_ lane: Int) {
                for i in stride(from: lane, to: outBase.count, by: 2) where !outBase[i].compressed {
                    let d = outBase[i].dictionary
                    let dictionary = d == SegmentFormat.noDictionary ? nil : dictionaries[Int(d)]
                    outBase[i].bytes = outBase[i].bytes.withUnsafeBytes { compressors[lane].compress($0, dictionary: dictionary) }
                    outBase[i].compressed = true
                }
            }
            Thread {
                lane(1)
                done.signal()
            }.start()
            lane(0)
            done.wait()
        }
        for block in blocks {
            let c = block.bytes
            blockIndex.u64(UInt64(written))
            blockIndex.u32(UInt32(c.count))
            blockIndex.u32(UInt32(block.length))
            blockIndex.u32(UInt32(block.first))
            blockIndex.u32(CRC32C.checksum(c))
            blockDictionaries.append(block.dictionary)
            docCrc = CRC32C.checksum(c, continuing: docCrc)
            try write(c)
        }
    }

    /// Writes the remaining blocks, the sections, the table and the footer; fsyncs.
    /// Returns the file's size.
    func finish() throws -> Int64 {
        try closeBlock()
        try writePendingBlocks()
        var entries: [SectionEntry] = []
        let docStart = Int64(SegmentFormat.sectionAlignment)
        entries.append(SectionEntry(tag: .documentBlocks, flags: 0, offset: docStart, length: written - docStart, checksum: docCrc))
        try writeSection(.blockIndex, blockIndex.bytes, into: &entries)
        try writeSection(.idHashes, idHashTable(), into: &entries)
        try writeSection(.idBloom, BloomFilter.build(hashes: hashes), into: &entries)
        if version == SegmentFormat.multiDictionaryVersion {
            try writeSection(.dictionaries, BlockDictionaries.encodeList(dictionaries.map(\.bytes)), into: &entries)
            try writeSection(.blockDictionaries, BlockDictionaries.encodeBlocks(blockDictionaries), into: &entries)
        } else if let dictionary = dictionaries.first {
            try writeSection(.dictionary, dictionary.bytes, into: &entries)
        }
        for builder in builders {
            for (tag, bytes) in try builder.finish() { try writeSection(tag, bytes, into: &entries) }
        }
        try writeTableAndFooter(entries)
        try file.sync()
        return written
    }

    private func idHashTable() -> [UInt8] {
        let order = hashes.indices.sorted { (hashes[$0], $0) < (hashes[$1], $1) }
        var w = ByteWriter(capacity: hashes.count * 12)
        for i in order { w.u64(hashes[i]) }
        for i in order { w.u32(UInt32(i)) }
        return w.bytes
    }

    private func writeSection(_ tag: SectionTag, _ bytes: [UInt8], into entries: inout [SectionEntry]) throws(StorageError) {
        try alignOutput()
        entries.append(SectionEntry(tag: tag, flags: 0, offset: written, length: Int64(bytes.count), checksum: CRC32C.checksum(bytes)))
        try write(bytes)
    }

    private func writeTableAndFooter(_ entries: [SectionEntry]) throws(StorageError) {
        try alignOutput()
        var table = ByteWriter()
        table.u32(UInt32(entries.count))
        table.u32(0)
        for e in entries {
            table.u32(e.tag.rawValue)
            table.u32(e.flags)
            table.u64(UInt64(e.offset))
            table.u64(UInt64(e.length))
            table.u32(e.checksum)
            table.u32(0)
        }
        let tableOffset = written
        try write(table.bytes)
        var footer = ByteWriter()
        footer.u64(UInt64(tableOffset))
        footer.u64(UInt64(table.count))
        footer.u64(UInt64(docCount))
        footer.u32(CRC32C.checksum(table.bytes))
        footer.u32(version)
        footer.u32(0)
        footer.u32(CRC32C.checksum(footer.bytes))
        footer.raw(SegmentFormat.footerMagic)
        try write(footer.bytes)
    }

    private func alignOutput() throws(StorageError) {
        let rem = Int(written % Int64(SegmentFormat.sectionAlignment))
        if rem != 0 { try write([UInt8](repeating: 0, count: SegmentFormat.sectionAlignment - rem)) }
    }

    private func write(_ bytes: [UInt8]) throws(StorageError) {
        try file.append(bytes)
        written += Int64(bytes.count)
    }
}
