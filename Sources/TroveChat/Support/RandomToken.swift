import Crypto

/// Random secrets handed to clients (`trv_` API keys, `pk_` publishable keys, `vs_`
/// visitor sessions) and the digest they are stored as. 40 base32 characters are 200
/// bits: not guessable, so a fast hash is enough to store them (bcrypt would slow every
/// request that carries one).
enum RandomToken {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// `prefix` and `count` random base32 characters from the system's random source.
    static func make(prefix: String, count: Int = 40) -> String {
        var rng = SystemRandomNumberGenerator()
        return prefix + String((0..<count).map { _ in alphabet[Int.random(in: 0..<32, using: &rng)] })
    }

    /// Whether `text` has the shape `make(prefix:count:)` gives, checked before any lookup.
    static func isWellFormed(_ text: String, prefix: String, count: Int = 40) -> Bool {
        guard text.hasPrefix(prefix), text.utf8.count == prefix.utf8.count + count else { return false }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy { (0x61...0x7A).contains($0) || (0x32...0x37).contains($0) }
    }

    /// The lowercase hex SHA-256 of `secret`'s UTF-8 bytes.
    static func sha256Hex(_ secret: String) -> String {
        let hex = Array("0123456789abcdef")
        return String(SHA256.hash(data: Array(secret.utf8)).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }
}
