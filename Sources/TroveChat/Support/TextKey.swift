import Crypto

/// A cache key standing for a text (or any bytes) by its SHA-256: 32 bytes however long the
/// text, so caches neither keep the texts alive nor hash them again on every lookup.
/// Two different texts getting the same key would take a SHA-256 collision.
public struct TextKey: Hashable, Sendable {
    // The digest as four big-endian words: plain integers hash and compare fastest.
    public let w0: UInt64
    public let w1: UInt64
    public let w2: UInt64
    public let w3: UInt64

    /// The key of `text`'s UTF-8 bytes.
    public init(text: String) {
        self.init(hashing: Array(text.utf8))
    }

    /// The key of `bytes`.
    public init(hashing bytes: [UInt8]) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (i, byte) in SHA256.hash(data: bytes).enumerated() {
            switch i >> 3 {
            case 0: words.0 = words.0 << 8 | UInt64(byte)
            case 1: words.1 = words.1 << 8 | UInt64(byte)
            case 2: words.2 = words.2 << 8 | UInt64(byte)
            default: words.3 = words.3 << 8 | UInt64(byte)
            }
        }
        w0 = words.0
        w1 = words.1
        w2 = words.2
        w3 = words.3
    }

    /// The digest in lower-case hex, for logs and tests.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
