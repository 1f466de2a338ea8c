import Testing

/// The web app in a real browser: Debian's headless Chromium driven by Selenium from PyPI
/// (`scripts/clients/webapp_check.py`) against a live `trove serve` whose chat model is
/// the stand-in. At 390 and 1,280 px wide: a wrong password, sign-in, an agent and a
/// user made on the admin pages, an upload, a reply that streams in and cites the file,
/// stop generating, message search by date range, roles, sign-out, the CSP header and a
/// console without errors. Screenshots land in `test-artifacts/web/`.
@Suite struct WebAppBrowserTests {
    @Test func theWebAppWorksInChromium() async throws {
        let lines = ["csp ok"] + [390, 1280].flatMap { w in
            ["signin \(w) ok", "admin \(w) ok", "files \(w) ok", "chat stream \(w) ok", "stop \(w) ok",
             "message search \(w) ok", "search keys health theme \(w) ok", "roles and signout \(w) ok", "console \(w) ok"]
        }
        try await BrowserCheck.run("webapp_check.py", artifacts: "web", adminPassword: "web-admin-password", seconds: 400, expecting: lines)
    }
}
