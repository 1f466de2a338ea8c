import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TroveServer

/// The web app's files: served from the binary with their media types, an ETag that a
/// revalidation answers with 304, and a CSP without inline script on every one.
@Suite struct WebRoutesTests {
    @Test func thePageAndEveryFileAreServedWithCSPAndETags() async throws {
        let h = try await ServerHarness()
        defer { Task { await h.stop() } }
        try await h.run(testing: .router) { c in
            let page = try await c.call(.get, "/")
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && csp.contains("frame-ancestors 'none'"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            let etag = try #require(page.headers[.eTag])
            let again = try await c.call(.get, "/", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.text.isEmpty)
            #expect(try await c.call(.get, "/", headers: [.ifNoneMatch: "\"stale\""]).status == .ok)
            for (name, asset) in WebAssets.files {
                let r = try await c.call(.get, "/app/\(name)")
                #expect(r.status == .ok && r.headers[.contentType] == asset.contentType && r.headers[.contentSecurityPolicy] == csp, "\(name)")
                #expect(r.text.utf8.count == asset.bytes.count, "\(name)")
            }
            let missing = try await c.call(.get, "/app/nope.js")
            #expect(missing.status == .notFound && missing.json["error"]?["type"]?.stringValue == "not_found_error")
            #expect(try await c.call(.get, "/app/..%2FPackage.swift").status == .notFound)
        }
    }

    /// Every file the page and the modules name is one the server has: a module left out
    /// of `WebAssets` (or of Package.swift) would break the app only in a browser.
    @Test func everyReferencedFileIsServed() throws {
        let page = String(decoding: WebAssets.index.bytes, as: UTF8.self)
        let botPage = String(decoding: WebAssets.botPage.bytes, as: UTF8.self)
        var named = Set((page + botPage).matches(of: /"\/app\/([A-Za-z0-9_.-]+)"/).map { String($0.1) })
        for (name, asset) in WebAssets.files where name.hasSuffix(".js") {
            let source = String(decoding: asset.bytes, as: UTF8.self)
            named.formUnion(source.matches(of: /from '\.\/([A-Za-z0-9_.-]+)'/).map { String($0.1) })
            // The public bot page keeps a visitor's session secret (never an account's token)
            // in localStorage, so a visitor's chat survives a reload.
            let keepsVisitorSession = name == "bot.js"
            #expect(!source.contains(".innerHTML") && !source.contains(".outerHTML") && !source.contains("eval("), "\(name)")
            #expect(keepsVisitorSession || !source.contains("localStorage."), "\(name)")
        }
        #expect(named.contains("main.js") && named.contains("app.css") && named.contains("bot.js") && named.contains("sse.js") && named.count > 8)
        #expect(named.subtracting(WebAssets.files.keys).isEmpty, "named but not served: \(named.subtracting(WebAssets.files.keys))")
        for html in [page, botPage] { #expect(!html.contains("<script>") && !html.contains("style="), "no inline script or style") }
        let widget = String(decoding: WebAssets.widget.bytes, as: UTF8.self)
        #expect(!widget.contains(".innerHTML") && !widget.contains("eval(") && widget.contains("attachShadow"))
    }
}
