#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TroveStorage

/// Failing disks, one failure at a time: each fault is reported as an error, never as
/// success; reads go on; writes resume without a restart once the fault clears; and what
/// was acknowledged survives a reopen, also after a power loss.
@Suite struct StoreFaultTests {
    static func doc(_ id: String, _ text: String = "x") -> Document {
        Document(id: id, fields: [Field("text", .string(text))])
    }

    static func open(_ dir: TempDirectory, _ fs: any FileSystem) throws -> Store {
        var o = TestData.options()
        o.fileSystem = fs
        let store = try Store.open(at: dir.sub("db"), options: o)
        if (try? store.snapshot().metadata(of: "c")) == nil { try store.createCollection("c") }
        return store
    }

    /// Reopens with the real file system, after `verify` finds nothing wrong.
    static func reopen(_ dir: TempDirectory) throws -> Store {
        let report = try Verifier.verify(path: dir.sub("db"))
        #expect(report.isClean, "\(report.problems)")
        return try Store.open(at: dir.sub("db"), options: TestData.options())
    }

    /// The errno of a storage I/O error, or nil for anything else.
    static func errnoOf(_ body: () throws -> Void) -> Int32? {
        do { try body() } catch let StorageError.io(_, _, code) { return code } catch { return -1 }
        return nil
    }

    @Test func aFullDiskRefusesWritesClearlyAndTheyResumeWhenSpaceReturns() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        let store = try Self.open(dir, fs)
        try store.put(Self.doc("a"), in: "c")
        fs.inject(Fault(.write, errno: ENOSPC, torn: true, persistent: true))
        #expect(Self.errnoOf { try store.put(Self.doc("b"), in: "c") } == ENOSPC)
        // While the disk stays full, each write says why it is refused and changes nothing.
        do {
            try store.put(Self.doc("c"), in: "c")
            Issue.record("a write on a full disk was acknowledged")
        } catch let StorageError.writesSuspended(cause, retry, code) {
            #expect(cause.contains("No space left"))
            #expect(retry.contains("No space left"))
            #expect(code == ENOSPC)
        }
        #expect(try store.get("a", in: "c") != nil)
        #expect(try store.get("b", in: "c") == nil)
        fs.clear()
        try store.put(Self.doc("d"), in: "c")
        try store.close()

        let reopened = try Self.reopen(dir)
        #expect(try reopened.get("a", in: "c") != nil)
        #expect(try reopened.get("b", in: "c") == nil)
        #expect(try reopened.get("c", in: "c") == nil)
        #expect(try reopened.get("d", in: "c") != nil)
        try reopened.close()
    }

    @Test func aFailedFsyncIsAnErrorAndItsBatchDoesNotComeBack() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        let store = try Self.open(dir, fs)
        try store.put(Self.doc("a"), in: "c")
        fs.inject(Fault(.sync))
        #expect(Self.errnoOf { try store.put(Self.doc("b"), in: "c") } == EIO)
        #expect(try store.get("b", in: "c") == nil)
        // The next write resumes: everything acknowledged moves to a segment and a new log,
        // so the record whose fsync failed is never replayed, whatever reached the disk.
        try store.put(Self.doc("c"), in: "c")
        try fs.crash(.kept)
        #expect(throws: (any Error).self) { try store.close() }

        let reopened = try Self.reopen(dir)
        #expect(try reopened.get("a", in: "c") != nil)
        #expect(try reopened.get("b", in: "c") == nil)
        #expect(try reopened.get("c", in: "c") != nil)
        try reopened.close()
    }

    /// A torn log record, then a resume whose manifest rename fails, then a power loss:
    /// the old log ends torn and a newer, empty log exists. Recovery takes the tear for
    /// the failed write it is (before, it refused to open: "a newer log exists").
    @Test func aTornLogFollowedByAnEmptyNewerLogOpens() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        let store = try Self.open(dir, fs)
        try store.put(Self.doc("a"), in: "c")
        fs.inject(Fault(.write, errno: EIO, torn: true))
        #expect(Self.errnoOf { try store.put(Self.doc("b", String(repeating: "long ", count: 400)), in: "c") } == EIO)
        fs.inject(Fault(.rename))
        #expect(throws: StorageError.self) { try store.put(Self.doc("c"), in: "c") }
        try fs.crash(.kept)
        _ = try? store.close()
        let logs = TestData.files(dir.sub("db"), kind: "wal")
        #expect(logs.count == 2, "the torn log and the resume's new log: \(logs)")

        let reopened = try Self.reopen(dir)
        #expect(try reopened.get("a", in: "c") != nil)
        #expect(try reopened.get("b", in: "c") == nil)
        #expect(try reopened.get("c", in: "c") == nil)
        try reopened.put(Self.doc("e"), in: "c")
        try reopened.close()
    }

    @Test func aFlushThatFailsAtEachStepLosesNothing() throws {
        for operation in [FileOperation.open, .write, .sync, .syncDirectory, .rename, .map] {
            let dir = TempDirectory(), fs = FaultInjectingFileSystem()
            let store = try Self.open(dir, fs)
            for i in 0..<20 { try store.put(Self.doc("d\(i)"), in: "c") }
            _ = try store.delete(id: "d3", in: "c")
            fs.inject(Fault(operation, errno: EIO))
            #expect(throws: StorageError.self, "\(operation)") { try store.flush() }
            #expect(try store.get("d5", in: "c") != nil, "reads go on after a failed flush")
            fs.clear()
            try store.put(Self.doc("after"), in: "c")
            try fs.crash(.lost)
            _ = try? store.close()

            let reopened = try Self.reopen(dir)
            for i in 0..<20 where i != 3 { #expect(try reopened.get("d\(i)", in: "c") != nil, "\(operation): d\(i)") }
            #expect(try reopened.get("d3", in: "c") == nil)
            #expect(try reopened.get("after", in: "c") != nil)
            try reopened.close()
        }
    }

    /// Merges fail before their manifest (the output is dropped) and at it (the store
    /// resumes on the next write); either way the sources stay and later writes go on.
    @Test(arguments: [Fault(.syncDirectory, after: 3), Fault(.rename, after: 1)])
    func aFailedMergeKeepsTheSourcesAndWritesGoOn(fault: Fault) throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        let store = try Self.open(dir, fs)
        for round in 0..<3 {
            for i in 0..<10 { try store.put(Self.doc("r\(round)-\(i)"), in: "c") }
            try store.flush()
        }
        _ = try store.delete(id: "r0-0", in: "c")
        fs.inject(fault)
        #expect(throws: StorageError.self) { try store.compact() }
        #expect(fs.fired.count == 1)
        fs.clear()
        try store.put(Self.doc("late"), in: "c")
        try store.compact()
        try store.close()

        let reopened = try Self.reopen(dir)
        #expect(try reopened.snapshot().count(in: "c") == 30)
        #expect(try reopened.get("r0-0", in: "c") == nil)
        #expect(try reopened.get("late", in: "c") != nil)
        try reopened.close()
    }
}
