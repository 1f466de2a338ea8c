/// One-byte field lengths: exact below 40 tokens, then 16 steps per doubling (each step
/// 4.4%), up to about 440,000 tokens; longer fields count as that long.
public enum FieldNorms {
    static let exact = 40

    public static func encode(_ length: Int) -> UInt8 {
        if length < exact { return UInt8(length) }
        let steps = (log2(Double(length) / Double(exact)) * 16).rounded(.down)
        return UInt8(min(255, exact + Int(steps)))
    }

    public static func decode(_ code: UInt8) -> Int {
        let c = Int(code)
        if c < exact { return c }
        return Int((Double(exact) * pow(2, Double(c - exact) / 16)).rounded(.down))
    }

    /// Decoded lengths of all 256 codes (looked up at query time).
    static let table: [Float] = (0...255).map { Float(decode(UInt8($0))) }
}

import Foundation
