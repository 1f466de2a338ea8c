#if canImport(Glibc)
import Glibc
#endif
import Testing
import TroveTestSupport
@testable import TroveStorage

/// Random writes, deletes, flushes and merges over a file system that fails random calls
/// (any kind, either errno, torn or not, once or until cleared), ending in a clean close or
/// a power loss. Then, reopened on the real file system:
/// - every acknowledged batch is there (an error is never reported as success);
/// - a batch that failed is there whole or not at all;
/// - `verify` finds nothing wrong;
/// - and while no fault is armed, every write succeeds (recovery without a restart).
@Suite(.ownThread) struct FaultPropertyTests {
    static let ids = (0..<10).map { "id\($0)" }
    static let kinds: [FileOperation] = FileOperation.allCases

    /// What each id may hold after reopen: one value once acknowledged, several while a
    /// failed batch may or may not have reached the disk (nil: absent).
    struct Model {
        var allowed: [String: Set<String?>] = Dictionary(uniqueKeysWithValues: FaultPropertyTests.ids.map { ($0, [nil]) })
        /// Failed batches of puts to distinct ids that nothing later touched: each must be
        /// found whole or not at all.
        var untouchedFailures: [[(String, String?)]] = []

        mutating func acknowledged(_ ops: [(String, String?)]) {
            touch(ops)
            for (id, value) in ops { allowed[id] = [value] }
        }

        mutating func failed(_ ops: [(String, String?)]) {
            touch(ops)
            for (id, value) in ops { allowed[id, default: [nil]].insert(value) }
            if ops.allSatisfy({ $0.1 != nil }) && Set(ops.map(\.0)).count == ops.count { untouchedFailures.append(ops) }
        }

        private mutating func touch(_ ops: [(String, String?)]) {
            let ids = Set(ops.map(\.0))
            untouchedFailures.removeAll { batch in batch.contains { ids.contains($0.0) } }
        }
    }

    @Test(arguments: 0..<48)
    func acknowledgedWritesSurviveFaultsAndPowerLoss(seed: UInt64) throws {
        var rng = SplitMix64(state: seed &* 0x9E37_79B9 &+ 17)
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        var o = TestData.options(memtableBytes: 1500)
        o.fileSystem = fs
        o.blockSize = 512
        let store = try Store.open(at: dir.sub("db"), options: o)
        try store.createCollection("c")
        var model = Model()
        var history: [String] = []
        for step in 0..<100 {
            let roll = rng.next() % 100
            if roll < 70 {
                try writeBatch(store, step: step, rng: &rng, fs: fs, model: &model, history: &history)
            } else if roll < 78 {
                history.append("flush: \(outcome(quiet: fs.armed.isEmpty, history) { try store.flush() })")
            } else if roll < 84 {
                history.append("compact: \(outcome(quiet: fs.armed.isEmpty, history) { try store.compact() })")
            } else if fs.armed.isEmpty {
                let fault = Fault(Self.kinds[Int(rng.next() % UInt64(Self.kinds.count))], after: Int(rng.next() % 8),
                                  errno: rng.next() % 2 == 0 ? EIO : ENOSPC, torn: rng.next() % 2 == 0, persistent: rng.next() % 5 == 0)
                fs.inject(fault)
                history.append("inject \(fault)")
            } else {
                fs.clear()
                history.append("clear")
            }
        }
        if rng.next() % 2 == 0 {
            fs.clear()
            history.append("close: \(outcome(quiet: true, history) { try store.close() })")
        } else {
            let loss: FaultInjectingFileSystem.UnsyncedBytes = [.lost, .kept, .partly(seed: seed)][Int(rng.next() % 3)]
            try fs.crash(loss)
            _ = try? store.close()
            history.append("power loss (\(loss))")
        }
        try check(dir, model: model, history: history)
    }

    private func writeBatch(_ store: Store, step: Int, rng: inout SplitMix64, fs: FaultInjectingFileSystem,
                            model: inout Model, history: inout [String]) throws {
        var batch = WriteBatch()
        var ops: [(String, String?)] = []
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            let id = Self.ids[Int(rng.next() % UInt64(Self.ids.count))]
            if rng.next() % 4 == 0 {
                batch.delete(id: id, in: "c")
                ops.append((id, nil))
            } else {
                let value = "v\(step)-" + String(repeating: "p", count: Int(rng.next() % 300))
                batch.put(Document(id: id, fields: [Field("text", .string(value))]), in: "c")
                ops.append((id, value))
            }
        }
        let quiet = fs.armed.isEmpty
        do {
            try store.write(batch)
            model.acknowledged(ops)
            history.append("write \(ops.map(\.0)): acknowledged")
        } catch {
            #expect(!quiet, "a write failed with no fault armed: \(error)\n\(history.joined(separator: "\n"))")
            model.failed(ops)
            history.append("write \(ops.map(\.0)): \(error)")
        }
    }

    /// Runs `body`; with no fault armed, a failure is a test failure.
    private func outcome(quiet: Bool, _ history: [String], _ body: () throws -> Void) -> String {
        do { try body(); return "ok" } catch {
            #expect(!quiet, "failed with no fault armed: \(error)\n\(history.joined(separator: "\n"))")
            return "\(error)"
        }
    }

    private func check(_ dir: TempDirectory, model: Model, history: [String]) throws {
        let trace = history.joined(separator: "\n")
        let report = try Verifier.verify(path: dir.sub("db"))
        #expect(report.isClean, "\(report.problems)\n\(trace)")
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        defer { try? store.close() }
        var found: [String: String] = [:]
        for id in Self.ids {
            let value: String? = try store.get(id, in: "c").map { doc in
                if case let .string(s)? = doc["text"] { return s }
                return "?"
            }
            found[id] = value
            let allowed = model.allowed[id] ?? [nil]
            #expect(allowed.contains(value), "\(id) holds \(value.map { String($0.prefix(12)) } ?? "nothing"), allowed \(allowed.map { $0.map { String($0.prefix(12)) } ?? "nothing" })\n\(trace)")
        }
        for batch in model.untouchedFailures {
            let present = batch.filter { found[$0.0] == $0.1 }.count
            #expect(present == 0 || present == batch.count, "a failed batch came back in part: \(batch.map(\.0))\n\(trace)")
        }
        try store.put(Document(id: "after", fields: []), in: "c")
    }
}
