import Testing

/// A public bot's embed widget and hosted chat page in a real browser: Debian's headless
/// Chromium driven by Selenium from PyPI (`scripts/clients/widget_check.py`) against a live
/// `trove serve` whose chat model is the stand-in, the host pages served from two other
/// 127.0.0.1 ports. On the allowed site the widget opens, streams a reply, and neither the
/// host's hostile CSS nor its globals touch it (nor it theirs); on the other site no
/// launcher appears and the chat page refuses to be framed; the hosted page works at 390 px
/// and keeps the visitor's history across a reload; the Agents page shows the snippet.
/// Screenshots land in `test-artifacts/widget/`.
@Suite struct BotWidgetBrowserTests {
    @Test func theWidgetWorksOnAllowedSitesOnly() async throws {
        try await BrowserCheck.run("widget_check.py", artifacts: "widget", adminPassword: "widget-admin-password", seconds: 300, expecting: [
            "headers ok", "widget isolation ok", "widget streams ok", "widget allowed ok", "widget refused ok", "frame refused ok",
            "hosted page 390 ok", "history kept ok", "console ok", "admin snippet ok", "owner sees visitors ok",
        ])
    }
}
