import Foundation
import Synchronization
import Testing
@testable import TroveStorage

/// A collection's flushes compress with one trained dictionary for
/// `flushesPerDictionary` flushes (issue 20), and merges that copy blocks keep one copy
/// of a dictionary their sources share.
@Suite struct FlushDictionaryTests {
    static func dictionaryBytes(_ store: Store) throws -> [[UInt8]] {
        try MergeCopyTests.readers(store).map { try #require($0.allDictionaries.first).bytes }
    }

    @Test func flushesShareADictionaryUntilTheyHaveUsedItUp() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var o = TestData.options(memtableBytes: 512 << 10)
        o.flushesPerDictionary = 3
        let store = try Store.open(at: path, options: o)
        try store.createCollection("m")
        var rng = SplitMix64(state: 21)
        for part in 0..<4 {
            var batch = WriteBatch()
            for i in 0..<1_700 { batch.put(TestData.message(part * 1_700 + i, rng: &rng), in: "m") }
            try store.write(batch)
            try store.flush()
        }
        let bytes = try Self.dictionaryBytes(store)
        #expect(bytes.count == 4)
        #expect(bytes[0] == bytes[1] && bytes[1] == bytes[2], "the first three flushes use one dictionary")
        #expect(bytes[3] != bytes[0], "the fourth trains its own on its documents")
        try store.close()
        #expect(try Verifier.verify(path: path).isClean)
        // Each segment carries its copy: they read back after a reopen.
        let reopened = try Store.open(at: path, options: TestData.options())
        #expect(try MergeCopyTests.ids(reopened) == 4 * 1_700)
        try reopened.close()
    }

    @Test func aMergeOfSegmentsSharingADictionaryHoldsItOnce() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let store = try MergeCopyTests.fourSegments(path, shared: true)
        let bytes = try Self.dictionaryBytes(store)
        #expect(bytes.count == 4 && Set(bytes).count == 1)
        try MergeCopyTests.mergeAll(store)
        let m = try #require(try MergeCopyTests.readers(store).first)
        #expect(m.version == SegmentFormat.multiDictionaryVersion)
        #expect(m.allDictionaries.count == 1)
        #expect(m.allDictionaries.first?.bytes == bytes[0])
        #expect(try MergeCopyTests.ids(store) == 4 * 1_700)
        try store.close()
        #expect(try Verifier.verify(path: path).isClean)
    }

    /// A collection too small to train on gets no dictionary, a kept one is not handed
    /// to another collection nor to a flush of a few documents, and a dropped
    /// collection's is let go.
    @Test func dictionariesAreKeptPerCollection() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var o = TestData.options(memtableBytes: 512 << 10)
        let store = try Store.open(at: path, options: o)
        try store.createCollection("m")
        try store.createCollection("small")
        var rng = SplitMix64(state: 22)
        var batch = WriteBatch()
        for i in 0..<1_700 { batch.put(TestData.message(i, rng: &rng), in: "m") }
        try store.write(batch)
        try store.flush()
        var small = WriteBatch()
        for i in 0..<20 { small.put(TestData.message(10_000 + i, rng: &rng), in: "small") }
        try store.write(small)
        try store.flush()
        let m = try #require(try store.snapshot().segments(of: "m").first).reader
        let s = try #require(try store.snapshot().segments(of: "small").first).reader
        #expect(m.allDictionaries.count == 1)
        #expect(s.allDictionaries.isEmpty)
        // A few documents of "m" are flushed plainly, not with its kept dictionary.
        var few = WriteBatch()
        for i in 0..<20 { few.put(TestData.message(20_000 + i, rng: &rng), in: "m") }
        try store.write(few)
        try store.flush()
        let last = try #require(try store.snapshot().segments(of: "m").last).reader
        #expect(last.docCount == 20 && last.allDictionaries.isEmpty)
        #expect(store.flushDictionaries.withLock { $0.byCollection.count } == 1)
        // A dropped collection's dictionary is not kept.
        try store.dropCollection("m")
        #expect(store.flushDictionaries.withLock { $0.byCollection.isEmpty })
        try store.close()
    }
}
