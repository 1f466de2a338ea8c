import Foundation
import Testing
import TroveTestSupport

/// schemathesis (PyPI) against a live `trove serve` through the runner of the long run
/// (`Benchmarks/api-schema/run.py`), signed in as a normal user, the chat model and the
/// embedder served by the stand-in: every operation of /openapi.json, a few examples each,
/// and the run fails on any 5xx, any undocumented status, and any answer its documented
/// schema rejects. The long run is the benchmark; this keeps the document honest.
@Suite struct APISchemaTests {
    @Test func everyAnswerMatchesTheOpenAPIDocument() async throws {
        let root = FileManager.default.currentDirectoryPath
        let schemathesis = root + "/.venv-schemathesis/bin/schemathesis"
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "run scripts/setup-schemathesis.sh (scripts/test.sh does)")
        // The stand-in runs as a process of its own: in this process it answered late (and
        // the server's calls to it timed out) whenever other tests kept every thread busy.
        let run = try ChildProcess("/usr/bin/env", ["python3", root + "/Benchmarks/api-schema/run.py", "--trove", CLI.executable,
                                                    "--standin", CLI.standIn, "--schemathesis", schemathesis,
                                                    "--examples", "20", "--seed", "7"],
                                   environment: ProcessInfo.processInfo.environment)
        let status = await run.wait(seconds: 240)
        #expect(status == 0, "\(run.output.suffix(6000))")
        let summary = run.output.split(separator: "\n").last { $0.hasPrefix("{\"runs\"") }.map(String.init) ?? ""
        // Every documented operation ran (74 routes less /openapi.json, which schemathesis
        // does not test), and the server lived to close cleanly.
        #expect(summary.contains(#""operations": 73"#) && summary.contains(#""failures": 0"#), "\(summary)")
        #expect(summary.contains(#""server_alive_at_end": true"#) && summary.contains(#""database_closed": true"#), "\(summary)")
    }
}
