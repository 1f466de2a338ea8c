import Foundation
import Testing
import TroveTestSupport

/// A short run of the soak test (`Benchmarks/soak/soak.py`) against the real `trove`
/// binary: mixed load from three threads, two SIGKILLs and restarts, then every
/// acknowledged append, upload and delete checked, `trove verify`, and a clean SIGTERM.
/// The 30-minute run is the benchmark; this keeps the script and the guarantees working.
@Suite struct SoakSmokeTests {
    @Test func mixedLoadWithKillsLosesNoAcknowledgedWrite() async throws {
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let script = FileManager.default.currentDirectoryPath + "/Benchmarks/soak/soak.py"
        let soak = try ChildProcess("/usr/bin/env", ["python3", script, "--trove", CLI.executable, "--seconds", "24", "--kill-every", "8",
                                                     "--", "--embedder", standIn.baseURL + "/v1", "--model", "embed"],
                                    environment: ProcessInfo.processInfo.environment)
        let status = await soak.wait(seconds: 300)
        #expect(status == 0, "\(soak.output.suffix(3000))")
        let summary = soak.output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        #expect(summary.contains(#""kills": 2"#) && !summary.contains(#""appends_acked": 0,"#), "\(summary)")
    }
}
