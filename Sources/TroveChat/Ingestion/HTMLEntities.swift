/// Decodes character references (`&amp;`, `&#233;`, `&#xE9;`) in HTML and XML text.
/// Only common named entities are known; an unknown one is left as written.
enum HTMLEntities {
    private static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "mdash": "\u{2014}", "ndash": "\u{2013}", "hellip": "\u{2026}", "copy": "\u{00A9}",
        "reg": "\u{00AE}", "trade": "\u{2122}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
        "ldquo": "\u{201C}", "rdquo": "\u{201D}", "laquo": "\u{00AB}", "raquo": "\u{00BB}",
        "bull": "\u{2022}", "middot": "\u{00B7}", "deg": "\u{00B0}", "euro": "\u{20AC}",
        "pound": "\u{00A3}", "yen": "\u{00A5}", "cent": "\u{00A2}", "sect": "\u{00A7}",
        "para": "\u{00B6}", "times": "\u{00D7}", "divide": "\u{00F7}", "plusmn": "\u{00B1}",
        "frac12": "\u{00BD}", "eacute": "\u{00E9}", "egrave": "\u{00E8}", "agrave": "\u{00E0}",
        "uuml": "\u{00FC}", "ouml": "\u{00F6}", "auml": "\u{00E4}", "szlig": "\u{00DF}",
        "ccedil": "\u{00E7}", "ensp": " ", "emsp": " ", "thinsp": " ",
    ]

    /// The longest reference worth looking at (`&#x10FFFF;`, `&thinsp;`).
    private static let maxLength = 10

    /// Decodes the reference starting at `bytes[start]` (an `&`): the scalar and how many
    /// bytes the reference spans, or nil when it is not a reference this decoder knows.
    static func decode(_ bytes: [UInt8], at start: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "&") else { return nil }
        let limit = min(bytes.count, start + maxLength + 2)
        var end = start + 1
        while end < limit, bytes[end] != UInt8(ascii: ";") { end += 1 }
        guard end < limit, end > start + 1 else { return nil }
        let body = bytes[(start + 1)..<end]
        let length = end - start + 1
        if body.first == UInt8(ascii: "#") {
            let digits = body.dropFirst()
            let hex = digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X")
            let text = String(decoding: hex ? digits.dropFirst() : digits, as: UTF8.self)
            guard !text.isEmpty, let value = UInt32(text, radix: hex ? 16 : 10) else { return nil }
            // NUL, surrogates and out-of-range values become the replacement character, as browsers do.
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return (scalar ?? "\u{FFFD}", length)
        }
        guard let scalar = named[String(decoding: body, as: UTF8.self)] else { return nil }
        return (scalar, length)
    }

    /// Decodes every known reference in `text`.
    static func decodeAll(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(UInt8(ascii: "&")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == UInt8(ascii: "&"), let reference = decode(text, at: index) {
                appendUTF8(reference.scalar, to: &out)
                index += reference.length
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return out
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        Unicode.UTF8.encode(scalar) { out.append($0) }
    }
}
