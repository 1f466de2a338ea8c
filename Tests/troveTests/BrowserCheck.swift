import Foundation
import Testing
import TroveTestSupport

/// A Selenium check in `scripts/clients/` (headless Chromium from Debian, Selenium from
/// PyPI) run against a live `trove serve` whose chat model and embedder are the stand-in.
/// The script prints one "... ok" line per flow and exits non-zero on any failure; its
/// screenshots land in `test-artifacts/<artifacts>/`. The server must then stop cleanly.
enum BrowserCheck {
    static func run(_ script: String, artifacts: String, adminPassword: String, seconds: Double,
                    expecting lines: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let root = FileManager.default.currentDirectoryPath
        let python = root + "/.venv-browser/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "run scripts/setup-browser.sh (scripts/test.sh does)")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "run scripts/setup-browser.sh (scripts/test.sh does)")
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-browser")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = adminPassword
        let (server, url) = try await standIn.serve(data: dir.sub("data"), model: "echo-small", environment: env)
        defer { server.signal(SIGKILL) }  // a failure below must not leave it running
        env["TROVE_URL"] = url
        env["TROVE_ARTIFACTS"] = root + "/test-artifacts/" + artifacts
        try? FileManager.default.removeItem(atPath: root + "/test-artifacts/" + artifacts)
        let check = try ChildProcess(python, [root + "/scripts/clients/" + script], environment: env)
        let status = await check.wait(seconds: seconds)
        #expect(status == 0, "\(check.output.suffix(6000))", sourceLocation: sourceLocation)
        for line in lines {
            #expect(check.output.contains(line), "\(line): \(check.output.suffix(3000))", sourceLocation: sourceLocation)
        }
        server.signal(SIGTERM)
        #expect(await server.wait(seconds: 30) == 0, sourceLocation: sourceLocation)
    }
}
