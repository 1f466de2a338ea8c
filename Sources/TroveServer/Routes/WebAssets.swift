import Crypto
import Foundation

/// The web app's files (`Sources/TroveServer/Web`), compiled into the binary so that
/// `trove serve` needs nothing beside it. Each has its media type and an ETag made from
/// its bytes, so browsers revalidate and get 304 until a new build changes the file.
struct WebAsset: Sendable {
    let bytes: [UInt8]
    let contentType: String
    let etag: String

    init(_ bytes: [UInt8], _ contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
        let digest = SHA256.hash(data: bytes)
        etag = "\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }
}

enum WebAssets {
    /// Files under `/app/`, by name. A new file needs a line here and an `embedInCode` in Package.swift.
    static let files: [String: WebAsset] = [
        "app.css": WebAsset(PackageResources.app_css, "text/css; charset=utf-8"),
        "main.js": WebAsset(PackageResources.main_js, javascript),
        "api.js": WebAsset(PackageResources.api_js, javascript),
        "ui.js": WebAsset(PackageResources.ui_js, javascript),
        "markdown.js": WebAsset(PackageResources.markdown_js, javascript),
        "chat.js": WebAsset(PackageResources.chat_js, javascript),
        "files.js": WebAsset(PackageResources.files_js, javascript),
        "search.js": WebAsset(PackageResources.search_js, javascript),
        "agents.js": WebAsset(PackageResources.agents_js, javascript),
        "account.js": WebAsset(PackageResources.account_js, javascript),
        "usage.js": WebAsset(PackageResources.usage_js, javascript),
        "admin.js": WebAsset(PackageResources.admin_js, javascript),
        "sse.js": WebAsset(PackageResources.sse_js, javascript),
        "bot.js": WebAsset(PackageResources.bot_js, javascript),
        "bot.css": WebAsset(PackageResources.bot_css, "text/css; charset=utf-8"),
    ]

    /// The page at `/`.
    static let index = WebAsset(PackageResources.index_html, "text/html; charset=utf-8")
    /// A public bot's chat page at `/chat/{bot_id}`.
    static let botPage = WebAsset(PackageResources.bot_html, "text/html; charset=utf-8")
    /// The embed script at `/widget.js`.
    static let widget = WebAsset(PackageResources.widget_js, javascript)

    private static let javascript = "text/javascript; charset=utf-8"

    /// Scripts and styles from this origin only: no inline script or style, no eval, no
    /// other origin, no framing, and forms post only here.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}
