import Foundation
import Testing
import TroveEngine
@testable import TroveStorage

/// A child `trove import` reports each id once its batch is durable; the parent SIGKILLs
/// it at a random moment, reopens the database and checks that every acknowledged id is
/// there and every checksum holds. Flushes and background merges happen in the child
/// (a 1 MiB memtable), so kills land in the log, in flushes and in merge installs.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func everyAcknowledgedWriteSurvivesSIGKILL() throws {
        let dir = TempDirectory("trove-crash")
        let db = dir.sub("db")
        let kills = ProcessInfo.processInfo.environment["TROVE_CRASH_KILLS"].flatMap(Int.init) ?? 30
        var rng = SplitMix64(state: 2024)
        var acknowledged: [String] = []
        var killedMidway = 0
        for round in 0..<kills {
            let input = dir.sub("round-\(round).jsonl")
            try messageLines(prefix: "r\(round)", count: 20000, seed: UInt64(round)).joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
            let delay = 0.02 + Double(rng.next() % 600) / 1000
            let (acks, finished) = try runAndKill(db: db, input: input, after: delay)
            acknowledged += acks
            if !finished { killedMidway += 1 }

            // Reopened as the child wrote it: through the engine (a raw writable store is
            // refused: the manifest requires the engine's extensions).
            var options = DatabaseOptions()
            options.store.backgroundMerges = false
            options.store.flushOnClose = round % 2 == 0
            let reopened = try Database.open(at: db, options: options)
            if !acknowledged.isEmpty {
                for id in acknowledged where try reopened.unscopedGet(id, in: "messages") == nil {
                    Issue.record("round \(round): acknowledged id \(id) is missing after SIGKILL")
                }
            }
            try reopened.close()
            let report = try Verifier.verify(path: db)
            #expect(report.isClean, "round \(round): \(report.problems)")
            try FileManager.default.removeItem(atPath: input)
        }
        // The kills must really interrupt imports, or this test proves little.
        #expect(killedMidway >= kills / 2, "only \(killedMidway) of \(kills) kills interrupted an import")
        #expect(acknowledged.count > 1000)
    }

    /// Starts the import, reads acknowledged ids until `after` seconds have passed, then
    /// SIGKILLs the child. Returns the ids acknowledged and whether the child had finished.
    private func runAndKill(db: String, input: String, after: Double) throws -> ([String], Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["import", "--db", db, "--collection", "messages", input, "--batch-size", "50", "--memtable-mb", "1", "--report-acks"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let acks = AckCollector()
        out.fileHandleForReading.readabilityHandler = { handle in acks.append(handle.availableData) }
        try process.run()
        Thread.sleep(forTimeInterval: after)
        let finished = !process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        acks.append(out.fileHandleForReading.readDataToEndOfFile())
        return (acks.completeLines(), finished)
    }
}

/// Collects the child's stdout; only complete lines count as acknowledgements.
final class AckCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    func completeLines() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }
}
