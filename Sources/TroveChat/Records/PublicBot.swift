import Foundation
import TroveJSON
import TroveStorage

/// How a public bot's widget looks on the owner's site.
public struct WidgetSettings: Sendable, Equatable {
    public var title = ""
    public var greeting = ""
    /// `#rrggbb`.
    public var color = "#2563eb"
    public var position = Position.bottomRight

    public enum Position: String, Sendable { case bottomRight = "bottom-right", bottomLeft = "bottom-left" }

    public init() {}

    public var json: JSONValue {
        .object([("title", .string(title)), ("greeting", .string(greeting)), ("color", .string(color)), ("position", .string(position.rawValue))])
    }

    mutating func apply(_ input: JSONInput) throws(JSONInputError) {
        try input.only(["title", "greeting", "color", "position"])
        if let v = try input.string("title", maxLength: 200) { title = v }
        if let v = try input.string("greeting", maxLength: 2_000) { greeting = v }
        if let v = try input.string("color") {
            let hex = v.utf8.dropFirst()
            guard v.hasPrefix("#"), hex.count == 6, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }) else {
                throw JSONInputError(path: input.path(of: "color"), reason: "a colour as #rrggbb")
            }
            color = v
        }
        if let v = try input.string("position") {
            guard let p = Position(rawValue: v) else { throw JSONInputError(path: input.path(of: "position"), reason: "bottom-right or bottom-left") }
            position = p
        }
    }
}

/// The public face of an agent: whether visitors may chat with it without an account
/// (`POST /api/chat/{bot_id}`), the publishable key (`pk_…`) a page may carry, which only
/// ever chats with this bot, the sites allowed to embed it, and its widget's look. Set with
/// the agent's other fields: `{"public": true, "allowed_origins": [...], "widget": {...}}`.
public struct PublicBot: Sendable, Equatable {
    public var enabled = false
    /// Made the first time the agent goes public and kept after (it is meant to sit in
    /// pages, so it is no secret; it only names the bot).
    public var publishableKey: String?
    /// `scheme://host[:port]` of the pages that may embed the bot; empty: any page.
    public var allowedOrigins: [String] = []
    public var widget = WidgetSettings()
    /// Tokens the agent's replies may use per UTC day (visitors' and the owner's together);
    /// past it visitors get 429 until midnight. nil: no budget.
    public var dailyTokenBudget: Int?

    public init() {}

    static let members: Set<String> = ["public", "allowed_origins", "widget", "daily_token_budget"]
    static let maxOrigins = 50

    mutating func apply(_ input: JSONInput) throws(JSONInputError) {
        if let v = try input.bool("public") {
            enabled = v
            if v, publishableKey == nil { publishableKey = RandomToken.make(prefix: "pk_") }
        }
        if let v = try input.strings("allowed_origins") {
            guard v.count <= Self.maxOrigins else { throw JSONInputError(path: input.path(of: "allowed_origins"), reason: "at most \(Self.maxOrigins) origins") }
            for (i, origin) in v.enumerated() where !Self.isOrigin(origin) {
                throw JSONInputError(path: "\(input.path(of: "allowed_origins"))[\(i)]", reason: "an origin: http(s)://host[:port], no path")
            }
            allowedOrigins = v.compactMap(Self.canonical)
        }
        if let w = try input.object("widget") { try widget.apply(w) }
        if input.has("daily_token_budget") { dailyTokenBudget = try input.int("daily_token_budget", in: 1...1_000_000_000_000) }
    }

    /// Whether a page at `origin` (the request's `Origin` header; nil: not a browser's
    /// cross-site request) may chat with the bot.
    public func allows(origin: String?) -> Bool {
        guard let origin, !allowedOrigins.isEmpty else { return true }
        return Self.canonical(origin).map(allowedOrigins.contains) ?? false
    }

    /// An origin as browsers send it: scheme and host in lower case, no default port
    /// (`HTTPS://Shop.example:443` is `https://shop.example`).
    static func canonical(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        let port = url.port.flatMap { (scheme == "https" && $0 == 443) || (scheme == "http" && $0 == 80) ? nil : $0 }
        return scheme + "://" + host + (port.map { ":\($0)" } ?? "")
    }

    static func isOrigin(_ text: String) -> Bool {
        guard text.utf8.count <= 300, let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else { return false }
        return url.path.isEmpty && !text.hasSuffix("/")
    }

    var jsonMembers: [(String, JSONValue)] {
        [("public", .bool(enabled)), ("publishable_key", publishableKey.map(JSONValue.string) ?? .null),
         ("allowed_origins", .array(allowedOrigins.map(JSONValue.string))), ("widget", widget.json),
         ("daily_token_budget", dailyTokenBudget.map { .int(Int64($0)) } ?? .null)]
    }
}
