import Foundation
import Testing
import TroveTestSupport

/// A short run of the bulk-loading benchmark (`Benchmarks/bulk/bulk_bench.py`) with the
/// real binaries: 300 documents of real prose (the sample messages) through `trove import`
/// and through `_bulk` (in requests of 100, then one body), and 12 through `trove embed`
/// and through `_bulk` into an embedded vector field with the MiniLM model. The 200,000
/// document run is the benchmark; this keeps the script and its checks (every request
/// answered without errors, every document counted) working.
@Suite struct BulkBenchSmokeTests {
    @Test func theBulkBenchmarkRunsAndCountsEveryDocument() async throws {
        let root = FileManager.default.currentDirectoryPath
        let dir = TempDirectory("trove-bulk-bench")
        let run = try ChildProcess("/usr/bin/env", ["python3", root + "/Benchmarks/bulk/bulk_bench.py", "--trove", CLI.executable,
                                                    "--passages", root + "/fixtures/sample-messages.jsonl", "--out", dir.path,
                                                    "--docs", "300", "--request-docs", "100", "--one-body-docs", "300", "--embedded-docs", "12"],
                                   environment: ProcessInfo.processInfo.environment)
        let status = await run.wait(seconds: 300)
        #expect(status == 0, "\(run.output.suffix(3000))")
        let summary = run.output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        let json = try #require(try? JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any], "\(run.output.suffix(3000))")
        #expect(json["docs"] as? Int == 300 && json["embedded_docs"] as? Int == 12, "\(summary)")
        for key in ["import_docs_per_s", "bulk_docs_per_s", "one_body_docs_per_s", "embed_cli_texts_per_s", "embedded_bulk_docs_per_s"] {
            #expect(((json[key] as? NSNumber)?.doubleValue ?? 0) > 0, "\(key): \(summary)")
        }
    }
}
