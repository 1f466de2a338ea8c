import Foundation
import Testing
import TroveTestSupport
@testable import TroveChat

/// Helper programs start with default signal handling, whichever thread starts them.
@Suite struct ToolProcessTests {
    /// The pool's threads block nearly every signal, and a spawned child inherits the mask:
    /// a `pdftotext` started there never saw the SIGTERM meant to stop it, and every
    /// cancellation waited out the 5 s grace before SIGKILL.
    @Test func aToolStartedOnAPoolThreadNeitherBlocksNorIgnoresSIGTERM() async throws {
        let dir = TempDirectory("trove-tool")
        // dd, not a shell script: a shell clears its mask on start and would hide the bug.
        let stderr = dir.sub("stderr")
        // A pool made here, as the server makes its own: its threads inherit the blocking mask
        // of the cooperative pool thread (a libdispatch worker) that started them.
        let outcome = try await BlockingPool(threads: 1).run {
            ToolProcess.run("/bin/dd", ["if=/proc/self/status", "of=/dev/stderr", "status=none"], stderrPath: stderr, timeoutSeconds: 20, cancel: CancellationFlag())
        }
        #expect(outcome == .exited(0))
        let lines = try String(contentsOfFile: stderr, encoding: .utf8).split(separator: "\n")
        let masks = Dictionary(uniqueKeysWithValues: lines.compactMap { line -> (String, UInt64)? in
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["SigBlk", "SigIgn"].contains(parts[0]), let mask = UInt64(parts[1], radix: 16) else { return nil }
            return (parts[0], mask)
        })
        let sigterm = UInt64(1) << (UInt64(SIGTERM) - 1)
        let blocked = try #require(masks["SigBlk"], "\(lines)")
        let ignored = try #require(masks["SigIgn"], "\(lines)")
        #expect(blocked == 0, "the child starts with signals blocked: \(String(blocked, radix: 16))")
        #expect(ignored & sigterm == 0, "the child ignores SIGTERM")
    }
}
