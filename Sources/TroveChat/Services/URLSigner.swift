import Crypto
import Foundation

/// Signed download links: `/files/signed/<token>` where the token names the owner, the
/// file and the expiry time and carries an HMAC-SHA256 of them under a secret key, so a
/// link cannot be altered or extended. The key is 32 random bytes kept in the data folder
/// (`secrets/url-signing.key`, mode 0600), made on first use.
public struct URLSigner: Sendable {
    public static let pathPrefix = "/files/signed/"
    private let key: SymmetricKey

    public init(key: [UInt8]) { self.key = SymmetricKey(data: key) }

    /// The signer with the key kept in `secrets`, made there when missing.
    public static func load(secrets: SecretKeys) throws -> URLSigner {
        URLSigner(key: try secrets.key("url-signing.key"))
    }

    /// The path of a link to `fileID` of `owner`, valid until `expires` (seconds since 1970).
    public func path(owner: String, fileID: String, expires: Int64) -> String {
        let claim = "\(expires)\n\(owner)\n\(fileID)"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(claim.utf8), using: key)
        return Self.pathPrefix + Self.base64URL(Array(claim.utf8)) + "." + Self.base64URL(Array(mac))
    }

    /// The owner and file a token names, if its signature holds and it has not expired at `now`.
    public func verify(token: String, now: Int64 = Int64(Date().timeIntervalSince1970)) throws(ChatError) -> (owner: String, fileID: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let claimBytes = Self.unbase64URL(parts[0]), let mac = Self.unbase64URL(parts[1]) else {
            throw ChatError.badSignature("malformed token")
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: claimBytes, using: key) else {
            throw ChatError.badSignature("signature does not match")
        }
        let fields = String(decoding: claimBytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 3, let expires = Int64(fields[0]) else { throw ChatError.badSignature("malformed token") }
        guard now < expires else { throw ChatError.badSignature("expired") }
        return (String(fields[1]), String(fields[2]))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64URL(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count <= 4096 else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
