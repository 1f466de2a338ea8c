import Foundation
import Testing
import TroveTestSupport

/// The web app in a real browser: Debian's headless Chromium driven by Selenium from PyPI
/// (`scripts/clients/webapp_check.py`) against a live `trove serve` whose chat model is
/// the stand-in. At 390 and 1,280 px wide: a wrong password, sign-in, an agent and a
/// user made on the admin pages, an upload, a reply that streams in and cites the file,
/// stop generating, message search by date range, roles, sign-out, the CSP header and a
/// console without errors. Screenshots land in `test-artifacts/web/`.
@Suite struct WebAppBrowserTests {
    @Test func theWebAppWorksInChromium() async throws {
        let root = FileManager.default.currentDirectoryPath
        let python = root + "/.venv-browser/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "run scripts/setup-browser.sh (scripts/test.sh does)")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "run scripts/setup-browser.sh (scripts/test.sh does)")
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-web")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = "web-admin-password"
        let (server, url) = try await standIn.serve(data: dir.sub("data"), model: "echo-small", environment: env)
        defer { server.signal(SIGKILL) }  // a failure below must not leave it running
        env["TROVE_URL"] = url
        env["TROVE_ARTIFACTS"] = root + "/test-artifacts/web"
        try? FileManager.default.removeItem(atPath: root + "/test-artifacts/web")
        let check = try ChildProcess(python, [root + "/scripts/clients/webapp_check.py"], environment: env)
        let status = await check.wait(seconds: 400)
        #expect(status == 0, "\(check.output.suffix(6000))")
        for line in ["csp ok"] + [390, 1280].flatMap({ w in
            ["signin \(w) ok", "admin \(w) ok", "files \(w) ok", "chat stream \(w) ok", "stop \(w) ok",
             "message search \(w) ok", "search keys health theme \(w) ok", "roles and signout \(w) ok", "console \(w) ok"]
        }) {
            #expect(check.output.contains(line), "\(line): \(check.output.suffix(3000))")
        }
        server.signal(SIGTERM)
        #expect(await server.wait(seconds: 30) == 0)
    }
}
