#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TroveTestSupport
@testable import TroveStorage

/// Flushes on a background thread (`StoreOptions.backgroundFlush`): writes that arrive
/// while one runs — new ids, new versions and deletes of the entries being flushed — are
/// seen at once, survive the swap to the new segment and a reopen, and a power loss or a
/// failure in the middle of the flush loses nothing acknowledged.
@Suite(.ownThread) struct BackgroundFlushTests {
    static func doc(_ id: String, _ version: Int) -> Document {
        Document(id: id, fields: [Field("text", .string("version \(version) of \(id) " + String(repeating: "padding ", count: 20)))])
    }

    static func options(_ fs: any FileSystem) -> StoreOptions {
        var o = TestData.options(memtableBytes: 8 << 10, backgroundFlush: true)
        o.fileSystem = fs
        o.blockSize = 1024
        return o
    }

    /// The model: id → version of every live document.
    static func check(_ store: Store, _ model: [String: Int], _ ids: Int, _ context: String) throws {
        let snap = try store.snapshot()
        #expect(try snap.count(in: "c") == model.count, "\(context)")
        for i in 0..<ids {
            let id = "d\(i)"
            let got = try snap.get(id, in: "c")?["text"]
            if let v = model[id] {
                #expect(got == doc(id, v)["text"], "\(context): \(id)")
            } else {
                #expect(got == nil, "\(context): \(id) should be gone")
            }
        }
    }

    /// Slow syncs keep each flush running across many commits.
    @Test func writesDuringAFlushAreSeenAtOnceAndSurviveTheSwapAndAReopen() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        fs.slowSyncs(by: 3_000)
        let store = try Store.open(at: dir.sub("db"), options: Self.options(fs))
        try store.createCollection("c")
        var rng = SplitMix64(state: 7)
        var model: [String: Int] = [:]
        let ids = 300
        var sawRunning = false
        for step in 0..<600 {
            let id = "d\(Int(rng.next() % UInt64(ids)))"
            if rng.next() % 5 == 0 {
                _ = try store.delete(id: id, in: "c")
                model[id] = nil
            } else {
                try store.put(Self.doc(id, step), in: "c")
                model[id] = step
            }
            sawRunning = sawRunning || store.writerLockedFlushRunning
            if step % 50 == 0 { try Self.check(store, model, ids, "step \(step)") }
        }
        #expect(sawRunning, "no write arrived while a background flush ran")
        #expect(try store.snapshot().segmentsInfo(of: "c").count >= 3)
        try Self.check(store, model, ids, "before close")
        try store.close()
        #expect(try Verifier.verify(path: dir.sub("db")).isClean)
        let reopened = try Store.open(at: dir.sub("db"), options: TestData.options())
        try Self.check(reopened, model, ids, "after reopen")
        try reopened.close()
    }

    /// Power lost while a flush is writing its segment: the manifest still names the log of
    /// the frozen entries, so recovery replays both logs.
    @Test func aPowerLossMidFlushLosesNoAcknowledgedWrite() throws {
        for cut in [5, 40, 120] {
            let dir = TempDirectory(), fs = FaultInjectingFileSystem()
            fs.slowSyncs(by: 2_000)
            let store = try Store.open(at: dir.sub("db"), options: Self.options(fs))
            try store.createCollection("c")
            var model: [String: Int] = [:]
            for step in 0..<cut {
                let id = "d\(step % 70)"
                if step % 9 == 8 {
                    _ = try store.delete(id: id, in: "c")
                    model[id] = nil
                } else {
                    try store.put(Self.doc(id, step), in: "c")
                    model[id] = step
                }
            }
            try fs.crash(.lost)
            _ = try? store.close()
            let reopened = try Store.open(at: dir.sub("db"), options: TestData.options())
            try Self.check(reopened, model, 70, "power lost after \(cut) writes")
            try reopened.close()
        }
    }

    /// The flush's segment cannot be created: writes are refused (the store cannot promise
    /// its memtable a segment) until a flush succeeds; nothing acknowledged is lost.
    @Test func aFailedBackgroundFlushSuspendsWritesUntilAFlushSucceeds() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        let store = try Store.open(at: dir.sub("db"), options: Self.options(fs))
        try store.createCollection("c")
        var model: [String: Int] = [:]
        // The freeze opens the new log (open #1); the flush then opens its segment (#2).
        fs.inject(Fault(.open, after: 1, errno: ENOSPC, persistent: true))
        var refused = false
        for step in 0..<200 {
            do {
                try store.put(Self.doc("d\(step)", step), in: "c")
                model["d\(step)"] = step
            } catch StorageError.writesSuspended {
                refused = true
                break
            }
            store.flushQueue.sync {}
        }
        #expect(refused, "a write after the failed flush was acknowledged")
        try Self.check(store, model, 200, "while suspended")
        fs.clear()
        try store.put(Self.doc("after", 1), in: "c")
        model["after"] = 1
        try store.close()
        let reopened = try Store.open(at: dir.sub("db"), options: TestData.options())
        #expect(try reopened.snapshot().count(in: "c") == model.count)
        #expect(try reopened.get("after", in: "c") != nil)
        try reopened.close()
    }
}

extension Store {
    /// Whether a background flush is running now (read under the writer lock).
    var writerLockedFlushRunning: Bool {
        writerLock.lock()
        defer { writerLock.unlock() }
        return flushing != nil
    }
}
