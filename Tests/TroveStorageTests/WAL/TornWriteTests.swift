import Foundation
import Testing
@testable import TroveStorage

@Suite struct TornWriteTests {
    private func options() -> StoreOptions {
        var o = TestData.options()
        o.flushOnClose = false
        return o
    }

    /// Writes `batches` one record each and returns the log's size before the last one.
    private func makeLog(at path: String, batches: Int) throws -> (lastStart: Int64, end: Int64, wal: String) {
        var rng = SplitMix64(state: 3)
        let store = try Store.open(at: path, options: options())
        try store.createCollection("m")
        for i in 0..<(batches - 1) { try store.put(TestData.message(i, rng: &rng), in: "m") }
        let wal = try #require(TestData.files(path, kind: "wal").last)
        let lastStart = LocalFileSystem().fileSize(wal)
        try store.put(TestData.message(batches - 1, rng: &rng), in: "m")
        try store.close()
        return (lastStart, LocalFileSystem().fileSize(wal), wal)
    }

    @Test func truncatingTheLastRecordAnywhereLosesOnlyIt() throws {
        let dir = TempDirectory()
        let source = dir.sub("db")
        let (lastStart, end, wal) = try makeLog(at: source, batches: 5)
        #expect(end > lastStart)
        for cut in lastStart..<end {
            let copy = dir.sub("cut-\(cut)")
            try FileManager.default.copyItem(atPath: source, toPath: copy)
            let walCopy = copy + "/" + (wal as NSString).lastPathComponent
            try LocalFile(path: walCopy, mode: .existing).truncate(to: cut)
            let store = try Store.open(at: copy, options: options())
            let snap = try store.snapshot()
            #expect(try snap.count(in: "m") == 4, "cut at \(cut)")
            #expect(try snap.get("msg-3", in: "m") != nil)
            #expect(try snap.get("msg-4", in: "m") == nil)
            // The torn tail is cut off: a new write lands after the last good record.
            try store.put(Document(id: "after", fields: []), in: "m")
            try store.close()
            let reopened = try Store.open(at: copy, options: options())
            #expect(try reopened.get("after", in: "m") != nil)
            #expect(try reopened.snapshot().count(in: "m") == 5)
            try reopened.close()
            #expect(try Verifier.verify(path: copy).isClean)
            try FileManager.default.removeItem(atPath: copy)
        }
    }

    @Test func aDamagedRecordBeforeTheLastIsAnErrorNamingFileAndOffset() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let (lastStart, _, wal) = try makeLog(at: path, batches: 3)
        var bytes = TestData.readFile(wal)
        let target = Int(lastStart) - 20  // inside the second record's payload
        bytes[target] ^= 0x5A
        TestData.writeFile(wal, bytes)
        do {
            _ = try Store.open(at: path, options: options())
            Issue.record("open succeeded over a damaged record")
        } catch let StorageError.corruption(file, offset, reason) {
            #expect(file == wal)
            #expect(offset < Int64(target) && offset >= Int64(WALFormat.fileHeaderSize))
            #expect(reason.contains("checksum"))
        }
        let report = try Verifier.verify(path: path)
        #expect(report.problems.contains { $0.file == wal })
    }

    @Test func aDamagedLengthInAnEarlierRecordIsCorruptionNotATornTail() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let (_, _, wal) = try makeLog(at: path, batches: 4)
        var bytes = TestData.readFile(wal)
        // The length field of the first record: make it point past the end of the file.
        let first = WALFormat.fileHeaderSize
        bytes[first + 3] = 0x7F
        TestData.writeFile(wal, bytes)
        #expect(throws: StorageError.corruption(file: wal, offset: Int64(first), reason: "record header checksum mismatch")) {
            try Store.open(at: path, options: options())
        }
    }

    @Test func intervalDurabilitySyncsWithinTheIntervalWithoutFurtherWrites() throws {
        let dir = TempDirectory()
        var o = options()
        o.durability = .interval(milliseconds: 20)
        let store = try Store.open(at: dir.sub("db"), options: o)
        try store.createCollection("m")
        try store.put(Document(id: "a"), in: "m")
        var synced = false
        for _ in 0..<100 where !synced {
            usleep(10_000)
            store.writerLock.lock()
            synced = !store.unsynced
            store.writerLock.unlock()
        }
        #expect(synced)
        try store.close()
    }

    @Test func randomBytesAsALogAreATypedError() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let (_, _, wal) = try makeLog(at: path, batches: 2)
        var rng = SplitMix64(state: 11)
        for size in [40, 1000, 70_000] {
            TestData.writeFile(wal, (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            #expect(throws: StorageError.self) { try Store.open(at: path, options: options()) }
        }
    }
}
