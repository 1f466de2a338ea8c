import Foundation

/// The "basic tokenization" of BERT's uncased vocabularies: it cleans the text, spaces out
/// CJK ideographs, strips accents, lower-cases, then splits on white space and isolates
/// every punctuation character. The rules follow the reference tokenizer's normaliser and
/// pre-tokenizer (the ones sentence-transformers loads), so the word pieces come out alike.
public struct BertPreTokenizer: Sendable {
    /// Whether to lower-case; accents are stripped whenever this is on.
    public var lowercase: Bool
    /// Whether CJK ideographs become words of their own.
    public var splitCJK: Bool

    public init(lowercase: Bool = true, splitCJK: Bool = true) {
        self.lowercase = lowercase
        self.splitCJK = splitCJK
    }

    /// The words of `text`, in order, each already normalised.
    public func words(_ text: String) -> [String] {
        let normalized = normalize(text)
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        for scalar in normalized.unicodeScalars {
            if scalar == " " {
                flush()
            } else if Self.isPunctuation(scalar) {
                flush()
                words.append(String(Character(scalar)))
            } else {
                current.append(scalar)
            }
        }
        flush()
        return words
    }

    /// Clean-up, CJK spacing, accent stripping and lower-casing, in the reference order.
    func normalize(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if splitCJK && Self.isCJK(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var result = String(cleaned)
        guard lowercase else { return result }
        result = Self.stripAccents(result)
        return Self.lowercased(result)
    }

    /// Canonical decomposition, then every non-spacing mark dropped.
    static func stripAccents(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            out.append(scalar)
        }
        return String(out)
    }

    /// Full Unicode lower-case mapping, scalar by scalar (so "İ" becomes two scalars).
    static func lowercased(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let v = UInt8(truncatingIfNeeded: scalar.value)
                out.append((v >= 65 && v <= 90) ? Unicode.Scalar(v + 32) : scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// "Other" categories (control, format, surrogate, private use, unassigned) except the
    /// three ASCII spaces, which count as white space.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols such as `$` and `^`) and every Unicode
    /// punctuation category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility blocks.
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
