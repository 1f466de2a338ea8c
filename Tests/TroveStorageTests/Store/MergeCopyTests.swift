import Foundation
import Synchronization
import Testing
@testable import TroveStorage

/// Merges below `denseMergeBytes` copy their sources' compressed blocks (issue 20): the
/// merged segment is version 2, holds the sources' dictionaries, and reads back every
/// live document; blocks with deleted documents are rebuilt; `compact()` still writes one
/// dictionary.
@Suite struct MergeCopyTests {
    /// Four flushes of about 1,700 messages each: enough sample bytes for each flush to
    /// train a dictionary, and each does (`flushesPerDictionary` 1) unless `shared`.
    static func fourSegments(_ path: String, firstSmall: Bool = false, shared: Bool = false) throws -> Store {
        var o = TestData.options(memtableBytes: 512 << 10)
        o.mergeFactor = 4
        if !shared { o.flushesPerDictionary = 1 }
        let store = try Store.open(at: path, options: o)
        try store.createCollection("m")
        var rng = SplitMix64(state: 11)
        var i = 0
        for part in 0..<4 {
            let count = firstSmall && part == 0 ? 40 : 1_700
            var batch = WriteBatch()
            for _ in 0..<count {
                batch.put(TestData.message(i, rng: &rng), in: "m")
                i += 1
            }
            try store.write(batch)
            try store.flush()
        }
        return store
    }

    static func readers(_ store: Store) throws -> [SegmentReader] {
        try store.snapshot().segments(of: "m").map(\.reader)
    }

    /// Merges every segment of "m" into one, as the merge thread would.
    static func mergeAll(_ store: Store) throws {
        let segments = try store.snapshot().segmentsInfo(of: "m").map(\.number)
        let id = try #require(store.published.withLock { $0 }.collections.values.first { $0.name == "m" }?.id)
        try store.merge(MergePolicy.Plan(collection: id, segments: segments), cancelled: Atomic<Bool>(false))
    }

    static func compressedBlocks(_ r: SegmentReader) throws -> [[UInt8]] {
        try (0..<r.blocks).map { [UInt8](try r.compressedBlock($0)) }
    }

    static func ids(_ store: Store) throws -> Int {
        var n = 0
        try store.snapshot().forEach(in: "m") { _ in n += 1; return true }
        return n
    }

    @Test func aMergeCopiesWholeBlocksAndRebuildsOnlyThoseWithDeletes() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let store = try Self.fourSegments(path)
        let sources = try Self.readers(store)
        #expect(sources.count == 4)
        #expect(sources.allSatisfy { $0.version == 1 && $0.allDictionaries.count == 1 })
        let total = sources.reduce(0) { $0 + $1.docCount }
        // Deletes in the first block of the second segment only.
        let second = sources[1]
        let deleted = try (0..<3).map { try second.id(at: $0 * 2) }
        for id in deleted { try store.delete(id: id, in: "m") }
        let kept = try sources.flatMap { r in try Self.compressedBlocks(r).enumerated().filter { !(r === second && $0.offset == 0) }.map(\.element) }

        try Self.mergeAll(store)

        let merged = try Self.readers(store)
        #expect(merged.count == 1)
        let m = try #require(merged.first)
        #expect(m.version == SegmentFormat.multiDictionaryVersion)
        #expect(m.allDictionaries.count == 4)
        #expect(m.docCount == total - deleted.count)
        let blocks = Set(try Self.compressedBlocks(m))
        #expect(kept.allSatisfy { blocks.contains($0) }, "every block without a delete is copied as it was")
        #expect(blocks.count == kept.count + 1, "the block with deletes is rebuilt into one")
        for id in deleted { #expect(try store.get(id, in: "m") == nil) }
        var rng = SplitMix64(state: 11)
        for i in 0..<total {
            let expected = TestData.message(i, rng: &rng)
            if deleted.contains(expected.id) { continue }
            #expect(try store.get(expected.id, in: "m") == expected)
        }
        try store.close()
        #expect(try Verifier.verify(path: path).isClean)
        let reopened = try Store.open(at: path, options: TestData.options())
        #expect(try Self.ids(reopened) == total - deleted.count)
        // compact() rewrites a segment with deletes: at the dense level, one dictionary.
        try reopened.delete(id: try m.id(at: 0), in: "m")
        try reopened.compact()
        let compacted = try #require(try Self.readers(reopened).first)
        #expect(compacted.version == SegmentFormat.version && compacted.allDictionaries.count == 1)
        #expect(try Self.ids(reopened) == total - deleted.count - 1)
        try reopened.close()
        #expect(try Verifier.verify(path: path).isClean)
    }

    @Test func plainBlocksAndDictionaryBlocksMergeIntoOneSegment() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let store = try Self.fourSegments(path, firstSmall: true)
        let sources = try Self.readers(store)
        #expect(sources.map(\.allDictionaries.count) == [0, 1, 1, 1])
        try Self.mergeAll(store)
        let m = try #require(try Self.readers(store).first)
        #expect(m.version == SegmentFormat.multiDictionaryVersion && m.allDictionaries.count == 3)
        #expect(m.dictionary(ofBlock: 0) == nil && m.dictionary(ofBlock: m.blocks - 1) != nil)
        #expect(try Self.ids(store) == 40 + 3 * 1_700)
        try store.close()
        #expect(try Verifier.verify(path: path).isClean)
    }

    /// Sources holding more dictionaries than `maximumCopiedDictionaries` between them
    /// are compressed again, with one new dictionary.
    @Test func tooManyDictionariesAreRecompressedIntoOne() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var o = TestData.options(memtableBytes: 512 << 10)
        o.mergeFactor = 5
        o.flushesPerDictionary = 1
        let store = try Store.open(at: path, options: o)
        try store.createCollection("m")
        var rng = SplitMix64(state: 12)
        // Five merged segments of four dictionaries each: 20 in all.
        for group in 0..<5 {
            for part in 0..<4 {
                var batch = WriteBatch()
                for i in 0..<1_700 { batch.put(TestData.message((group * 4 + part) * 1_700 + i, rng: &rng), in: "m") }
                try store.write(batch)
                try store.flush()
            }
            let segments = try store.snapshot().segmentsInfo(of: "m").suffix(4).map(\.number)
            let id = try #require(store.published.withLock { $0 }.collections.values.first { $0.name == "m" }?.id)
            try store.merge(MergePolicy.Plan(collection: id, segments: Array(segments)), cancelled: Atomic<Bool>(false))
        }
        let five = try Self.readers(store)
        #expect(five.count == 5 && five.allSatisfy { $0.allDictionaries.count == 4 })
        try Self.mergeAll(store)
        let m = try #require(try Self.readers(store).first)
        #expect(try Self.readers(store).count == 1)
        #expect(m.version == SegmentFormat.version && m.allDictionaries.count == 1)
        #expect(try Self.ids(store) == 20 * 1_700)
        try store.close()
    }
}
