import Foundation
import Testing
@testable import TroveStorage

@Suite struct StoreTests {
    @Test func putGetUpdateDelete() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c")
        try store.put(Document(id: "a", fields: [Field("v", .int(1))]), in: "c")
        #expect(try store.get("a", in: "c")?["v"] == .int(1))
        try store.put(Document(id: "a", fields: [Field("v", .int(2))]), in: "c")
        #expect(try store.get("a", in: "c")?["v"] == .int(2))
        #expect(try store.snapshot().count(in: "c") == 1)
        #expect(try store.delete(id: "a", in: "c"))
        #expect(try store.get("a", in: "c") == nil)
        #expect(try !store.delete(id: "a", in: "c"))
        #expect(try store.snapshot().count(in: "c") == 0)
        try store.close()
    }

    @Test func everyFieldTypeSurvivesFlushAndReopen() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let store = try Store.open(at: path, options: TestData.options())
        try store.createCollection("c", metadata: [1, 2, 3])
        try store.put(DocumentCodecTests.everyType, in: "c")
        try store.close()
        let reopened = try Store.open(at: path, options: TestData.options())
        #expect(try reopened.get(DocumentCodecTests.everyType.id, in: "c") == DocumentCodecTests.everyType)
        #expect(try reopened.snapshot().metadata(of: "c") == [1, 2, 3])
        #expect(try reopened.snapshot().segmentsInfo(of: "c").count == 1)
        try reopened.close()
    }

    @Test func logReplayRestoresUnflushedWritesAndDeletes() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var o = TestData.options()
        o.flushOnClose = false
        var rng = SplitMix64(state: 1)
        let store = try Store.open(at: path, options: o)
        try store.createCollection("c")
        for i in 0..<100 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        try store.compact()  // segment holds 0..<100
        for i in 100..<150 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        for i in stride(from: 0, to: 150, by: 3) { try store.delete(id: "msg-\(i)", in: "c") }
        try store.put(Document(id: "msg-1", fields: [Field("updated", .bool(true))]), in: "c")
        try store.close()
        #expect(TestData.files(path, kind: "del").isEmpty)
        let reopened = try Store.open(at: path, options: o)
        let snap = try reopened.snapshot()
        #expect(try snap.count(in: "c") == 100)
        #expect(try snap.get("msg-0", in: "c") == nil)
        #expect(try snap.get("msg-147", in: "c") == nil)
        #expect(try snap.get("msg-149", in: "c") != nil)
        #expect(try snap.get("msg-1", in: "c")?["updated"] == .bool(true))
        try reopened.close()
    }

    @Test func deletesPersistInDeleteFilesAcrossFlushes() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var rng = SplitMix64(state: 2)
        let store = try Store.open(at: path, options: TestData.options())
        try store.createCollection("c")
        var batch = WriteBatch()
        for i in 0..<500 { batch.put(TestData.message(i, rng: &rng), in: "c") }
        try store.write(batch)
        try store.compact()
        for i in 0..<50 { try store.delete(id: "msg-\(i * 10)", in: "c") }
        try store.close()
        #expect(TestData.files(path, kind: "del").count == 1)
        let reopened = try Store.open(at: path, options: TestData.options())
        #expect(try reopened.snapshot().count(in: "c") == 450)
        #expect(try reopened.get("msg-10", in: "c") == nil)
        #expect(try reopened.get("msg-11", in: "c") != nil)
        try reopened.compact()
        let info = try reopened.snapshot().segmentsInfo(of: "c")
        #expect(info.count == 1 && info[0].documents == 450 && info[0].deleted == 0)
        try reopened.close()
        #expect(TestData.files(path, kind: "del").isEmpty)
        #expect(try Verifier.verify(path: path).isClean)
    }

    @Test func documentsSurviveBackgroundMerges() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var rng = SplitMix64(state: 4)
        var o = TestData.options(memtableBytes: 16 << 10, merges: true)
        o.mergeFactor = 3
        let store = try Store.open(at: path, options: o)
        try store.createCollection("c")
        for b in 0..<40 {
            var batch = WriteBatch()
            for i in 0..<50 { batch.put(TestData.message(b * 50 + i, rng: &rng), in: "c") }
            try store.write(batch)
            if b % 4 == 0 { try store.delete(id: "msg-\(b * 50)", in: "c") }
        }
        // Let the merge thread catch up, then check it did merge.
        for _ in 0..<100 where try store.snapshot().segmentsInfo(of: "c").count > 8 { usleep(20_000) }
        #expect(try store.snapshot().segmentsInfo(of: "c").count <= 8)
        let snap = try store.snapshot()
        #expect(try snap.count(in: "c") == 2000 - 10)
        for i in 0..<2000 {
            let expectDeleted = i % 200 == 0
            #expect((try snap.get("msg-\(i)", in: "c") == nil) == expectDeleted, "msg-\(i)")
        }
        try store.close()
        let reopened = try Store.open(at: path, options: TestData.options())
        #expect(try reopened.snapshot().count(in: "c") == 1990)
        try reopened.close()
        #expect(try Verifier.verify(path: path).isClean)
    }

    @Test func aSnapshotNeverSeesALaterBatchAndOutlivesCompaction() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c")
        try store.put(Document(id: "old", fields: [Field("v", .int(1))]), in: "c")
        try store.compact()
        let before = try store.snapshot()
        var batch = WriteBatch()
        batch.put(Document(id: "new1"), in: "c")
        batch.put(Document(id: "old", fields: [Field("v", .int(2))]), in: "c")
        batch.delete(id: "new1", in: "c")
        batch.put(Document(id: "new2"), in: "c")
        try store.write(batch)
        try store.compact()  // retires the segment `before` reads from
        #expect(try before.get("old", in: "c")?["v"] == .int(1))
        #expect(try before.get("new2", in: "c") == nil)
        #expect(try before.count(in: "c") == 1)
        let after = try store.snapshot()
        #expect(try after.get("old", in: "c")?["v"] == .int(2))
        #expect(try after.get("new1", in: "c") == nil)
        #expect(try after.count(in: "c") == 2)
        try store.close()
    }

    @Test func concurrentWritersAllLand() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options(memtableBytes: 64 << 10, merges: true))
        try store.createCollection("c")
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<150 {
                try? store.put(Document(id: "t\(t)-\(i)", fields: [Field("i", .int(Int64(i)))]), in: "c")
            }
        }
        let snap = try store.snapshot()
        #expect(try snap.count(in: "c") == 1200)
        for t in 0..<8 { #expect(try snap.get("t\(t)-149", in: "c")?["i"] == .int(149)) }
        try store.close()
    }

    @Test func aBatchWithABadOperationWritesNothing() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c")
        var batch = WriteBatch()
        batch.put(Document(id: "ok"), in: "c")
        batch.put(Document(id: "x"), in: "missing")
        #expect(throws: StorageError.unknownCollection("missing")) { try store.write(batch) }
        var bad = WriteBatch()
        bad.put(Document(id: "ok2"), in: "c")
        bad.put(Document(id: ""), in: "c")
        #expect(throws: StorageError.self) { try store.write(bad) }
        #expect(try store.snapshot().count(in: "c") == 0)
        try store.close()
    }

    @Test func collectionsAreCreatedDroppedAndChecked() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let store = try Store.open(at: path, options: TestData.options())
        try store.createCollection("a")
        #expect(throws: StorageError.collectionExists("a")) { try store.createCollection("a") }
        #expect(throws: StorageError.self) { try store.createCollection("") }
        #expect(throws: StorageError.self) { try store.createCollection("a/b") }
        try store.put(Document(id: "1"), in: "a")
        try store.dropCollection("a")
        try store.createCollection("a")
        #expect(try store.get("1", in: "a") == nil)
        #expect(throws: StorageError.unknownCollection("zzz")) { try store.get("1", in: "zzz") }
        try store.close()
        let reopened = try Store.open(at: path, options: TestData.options())
        #expect(try reopened.get("1", in: "a") == nil)
        try reopened.close()
    }

    @Test func oneWriterPerFolderAndReadOnlyRefusesWrites() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let store = try Store.open(at: path, options: TestData.options())
        try store.createCollection("c")
        #expect(throws: StorageError.locked(path: path)) { try Store.open(at: path, options: TestData.options()) }
        try store.close()
        var ro = TestData.options()
        ro.readOnly = true
        let reader = try Store.open(at: path, options: ro)
        #expect(throws: StorageError.self) { try reader.put(Document(id: "x"), in: "c") }
        try reader.close()
        #expect(throws: StorageError.self) { try Store.open(at: dir.sub("nothing-here"), options: ro) }
        #expect(throws: StorageError.closed) { try store.get("x", in: "c") }
    }
}
