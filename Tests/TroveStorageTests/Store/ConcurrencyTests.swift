import Foundation
import Synchronization
import Testing
@testable import TroveStorage

/// Readers run while a writer commits, flushes and the merge thread merges. Each batch
/// sets one version on a pair of documents and adds a marker document; a reader's
/// snapshot must show both halves of a pair at the same version, never a marker
/// without its pair, and versions that never go backwards between its snapshots.
@Suite struct ConcurrencyTests {
    @Test func readersNeverSeeHalfABatchWhileFlushesAndMergesRun() throws {
        let dir = TempDirectory()
        var o = StoreOptions()
        o.memtableBytes = 8 << 10
        o.mergeFactor = 2
        let store = try Store.open(at: dir.sub("db"), options: o)
        try store.createCollection("c")
        let pairs = 20
        let rounds = 300
        let done = Atomic<Bool>(false)
        let violations = Mutex<[String]>([])
        let snapshotsTaken = Atomic<Int>(0)

        let readers = (0..<2).map { r in
            Thread {
                var lastSeen = [Int64](repeating: -1, count: pairs)
                while !done.load(ordering: .acquiring) {
                    do {
                        let snap = try store.snapshot()
                        snapshotsTaken.add(1, ordering: .relaxed)
                        for p in 0..<pairs {
                            let a = try snap.get("a\(p)", in: "c")?["v"]
                            let b = try snap.get("b\(p)", in: "c")?["v"]
                            guard a == b else {
                                violations.withLock { $0.append("reader \(r): pair \(p) a=\(String(describing: a)) b=\(String(describing: b))") }
                                continue
                            }
                            if case let .int(v)? = a {
                                if v < lastSeen[p] { violations.withLock { $0.append("reader \(r): pair \(p) went back from \(lastSeen[p]) to \(v)") } }
                                lastSeen[p] = v
                                if try snap.get("m\(p)-\(v)", in: "c") == nil {
                                    violations.withLock { $0.append("reader \(r): pair \(p) at \(v) without its marker") }
                                }
                            }
                        }
                    } catch {
                        violations.withLock { $0.append("reader \(r): \(error)") }
                    }
                }
            }
        }
        readers.forEach { $0.start() }
        for round in 0..<rounds {
            var batch = WriteBatch()
            let p = round % pairs
            let v = Int64(round)
            batch.put(Document(id: "a\(p)", fields: [Field("v", .int(v)), Field("pad", .string(String(repeating: "x", count: 200)))]), in: "c")
            batch.put(Document(id: "b\(p)", fields: [Field("v", .int(v))]), in: "c")
            batch.put(Document(id: "m\(p)-\(v)"), in: "c")
            if round >= pairs { batch.delete(id: "m\(p)-\(round - pairs)", in: "c") }
            try store.write(batch)
        }
        done.store(true, ordering: .releasing)
        while readers.contains(where: { $0.isExecuting }) { usleep(1000) }
        #expect(violations.withLock { $0 }.isEmpty, "\(violations.withLock { $0.prefix(5) })")
        #expect(snapshotsTaken.load(ordering: .relaxed) > 10)
        #expect(try store.snapshot().count(in: "c") == pairs * 3)
        try store.close()
        #expect(try Verifier.verify(path: dir.sub("db")).isClean)
    }
}
