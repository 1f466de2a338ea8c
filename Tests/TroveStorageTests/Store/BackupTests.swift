import Foundation
import Synchronization
import Testing
import TroveTestSupport
@testable import TroveStorage

/// Online backups: the copy opens, verifies, and holds exactly a prefix of the batches
/// committed to the source, whatever flushes and merges run meanwhile.
@Suite struct BackupTests {
    @Test func copyHoldsSegmentsDeletesAndUnflushedDocuments() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c", metadata: [7, 8])
        try store.createCollection("d")
        var rng = SplitMix64(state: 3)
        for i in 0..<200 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        try store.flush()
        for i in stride(from: 0, to: 200, by: 7) { try store.delete(id: "msg-\(i)", in: "c") }
        try store.flush()  // a delete file
        for i in 200..<260 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        for i in stride(from: 1, to: 260, by: 11) { try store.delete(id: "msg-\(i)", in: "c") }  // unflushed deletes
        try store.put(Document(id: "msg-2", fields: [Field("updated", .bool(true))]), in: "c")
        try store.put(Document(id: "only-in-memtable"), in: "d")
        #expect(TestData.files(dir.sub("db"), kind: "del").count == 1)
        let expected = try Self.documents(store)

        let report = try store.backup(to: dir.sub("copy"))
        #expect(try store.snapshot().generation == report.generation)
        #expect(report.files >= 4)  // two segments, a delete file, the manifest
        #expect(report.linkedBytes + report.copiedBytes > 0)
        try store.close()

        #expect(try Verifier.verify(path: dir.sub("copy")).isClean)
        let copy = try Store.open(at: dir.sub("copy"), options: Self.readOnly)
        #expect(try copy.snapshot().generation == report.generation)
        #expect(try copy.snapshot().metadata(of: "c") == [7, 8])
        #expect(try Self.documents(copy) == expected)
        try copy.close()
    }

    @Test func copyTakenWhileWritingHoldsAPrefixOfWholeBatches() throws {
        let dir = TempDirectory()
        var o = TestData.options(memtableBytes: 16 << 10, merges: true)
        o.mergeFactor = 2
        let store = try Store.open(at: dir.sub("db"), options: o)
        try store.createCollection("c")
        let stop = Atomic<Bool>(false)
        let committed = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let finished = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { finished.signal() }
            var i = 0
            while !stop.load(ordering: .acquiring) {
                do { try store.write(Self.batch(i)) } catch {
                    failures.withLock { $0.append("batch \(i): \(error)") }
                    return
                }
                i += 1
                committed.store(i, ordering: .releasing)
            }
        }
        writer.start()
        let deadline = ContinuousClock.now + .seconds(30)
        while committed.load(ordering: .acquiring) < 50 && ContinuousClock.now < deadline { usleep(1000) }
        let before = committed.load(ordering: .acquiring)
        let backup = Result { try store.backup(to: dir.sub("copy")) }
        // Let the writer (and the flushes and merges it causes) run on past the backup.
        let target = before + 30
        while committed.load(ordering: .acquiring) < target && ContinuousClock.now < deadline { usleep(1000) }
        stop.store(true, ordering: .releasing)
        finished.wait()
        let report = try backup.get()
        let after = committed.load(ordering: .acquiring)
        try store.close()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        #expect(before >= 50)

        #expect(try Verifier.verify(path: dir.sub("copy")).isClean)
        let copy = try Store.open(at: dir.sub("copy"), options: Self.readOnly)
        #expect(try copy.snapshot().generation == report.generation)
        var perBatch: [Int: Int] = [:]
        try copy.snapshot().forEach(in: "c") { doc in
            if let b = Self.batchNumber(of: doc.id) { perBatch[b, default: 0] += 1 }
            return true
        }
        try copy.close()
        let n = perBatch.count
        #expect(perBatch.keys.sorted() == Array(0..<n), "batches present are not a prefix")
        #expect(perBatch.values.allSatisfy { $0 == 10 }, "a batch is only partly present")
        #expect(n >= before && n <= after, "copy holds \(n) batches; \(before) were committed before the backup, \(after) in all")
    }

    @Test func nonEmptyDestinationIsRefusedAndLeftAlone() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c")
        try store.put(Document(id: "a"), in: "c")
        let dest = dir.sub("taken")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        TestData.writeFile(dest + "/keep.txt", [1, 2, 3])
        let generation = try store.snapshot().generation

        Self.expectInvalidArgument { _ = try store.backup(to: dest) }
        #expect(try LocalFileSystem().list(dest) == ["keep.txt"])
        #expect(TestData.readFile(dest + "/keep.txt") == [1, 2, 3])
        // Bad input changes nothing: not even the flush a backup starts with.
        #expect(try store.snapshot().generation == generation)
        #expect(try store.snapshot().stats().first?.memtableDocuments == 1)

        TestData.writeFile(dir.sub("a-file"), [4])
        Self.expectInvalidArgument { _ = try store.backup(to: dir.sub("a-file")) }
        #expect(TestData.readFile(dir.sub("a-file")) == [4])
        try store.close()
    }

    @Test func laterWritesFlushesAndMergesInTheSourceLeaveTheCopyAlone() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c")
        var rng = SplitMix64(state: 4)
        for i in 0..<150 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        try store.flush()
        for i in 150..<300 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        try store.flush()
        for i in stride(from: 0, to: 300, by: 5) { try store.delete(id: "msg-\(i)", in: "c") }
        let expected = try Self.documents(store)
        let report = try store.backup(to: dir.sub("copy"))

        // Rewrite documents the copy shares files with, then merge those files away.
        for i in 0..<100 { try store.put(Document(id: "msg-\(i)", fields: [Field("rewritten", .bool(true))]), in: "c") }
        for i in 300..<400 { try store.put(TestData.message(i, rng: &rng), in: "c") }
        for i in stride(from: 1, to: 300, by: 3) { try store.delete(id: "msg-\(i)", in: "c") }
        try store.flush()
        try store.compact()
        #expect(try store.snapshot().segmentsInfo(of: "c").count == 1)
        try store.close()
        #expect(try Verifier.verify(path: dir.sub("db")).isClean)

        #expect(try Verifier.verify(path: dir.sub("copy")).isClean)
        let copy = try Store.open(at: dir.sub("copy"), options: Self.readOnly)
        #expect(try copy.snapshot().generation == report.generation)
        #expect(try copy.snapshot().count(in: "c") == expected["c"]?.count)
        #expect(try Self.documents(copy) == expected)
        try copy.close()
    }

    // MARK: helpers

    static var readOnly: StoreOptions {
        var o = TestData.options()
        o.readOnly = true
        return o
    }

    /// Every live document of every collection, by collection and id.
    static func documents(_ store: Store) throws -> [String: [String: Document]] {
        let snap = try store.snapshot()
        var all: [String: [String: Document]] = [:]
        for name in snap.collectionNames {
            var docs: [String: Document] = [:]
            try snap.forEach(in: name) { doc in
                docs[doc.id] = doc
                return true
            }
            all[name] = docs
        }
        return all
    }

    /// Batch `i`: ten documents "b<i>-0" … "b<i>-9", padded so that flushes come often.
    static func batch(_ i: Int) -> WriteBatch {
        var batch = WriteBatch()
        for k in 0..<10 {
            batch.put(Document(id: "b\(i)-\(k)", fields: [Field("i", .int(Int64(i))), Field("pad", .string(String(repeating: "x", count: 100)))]), in: "c")
        }
        return batch
    }

    /// The batch number in an id "b<i>-<k>".
    static func batchNumber(of id: String) -> Int? {
        guard id.hasPrefix("b"), let dash = id.firstIndex(of: "-") else { return nil }
        return Int(id[id.index(after: id.startIndex)..<dash])
    }

    /// Runs `body`, expecting the typed error a refused backup destination gets.
    static func expectInvalidArgument(_ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected StorageError.invalidArgument, nothing was thrown")
        } catch StorageError.invalidArgument(let message) {
            #expect(message.contains("backup destination"), "\(message)")
        } catch {
            Issue.record("expected StorageError.invalidArgument, got \(error)")
        }
    }
}
