/// Finds paragraphs, sentences and words in UTF-8 text as byte ranges, each trimmed of
/// whitespace. Works on the bytes so that a splitter's offsets need no index conversion and
/// a multi-megabyte text needs no array of scalars.
struct TextSegmenter {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Separated by blank lines (whitespace holding two line breaks), form feeds, or U+2029.
    func paragraphs(in range: Range<Int>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var start: Int?
        var lastEnd = range.lowerBound
        var breaks = 0
        var i = range.lowerBound
        while i < range.upperBound {
            let (scalar, length) = decode(at: i)
            if isWhitespace(scalar) {
                switch scalar.value {
                case 0x0A, 0x2028: breaks += 1
                case 0x0C, 0x2029: breaks += 2
                default: break
                }
            } else {
                if let open = start, breaks >= 2 {
                    found.append(open..<lastEnd)
                    start = nil
                }
                if start == nil { start = i }
                lastEnd = i + length
                breaks = 0
            }
            i += length
        }
        if let open = start { found.append(open..<lastEnd) }
        return found
    }

    /// Ends after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by
    /// whitespace, after CJK `。！？` whatever follows, and at every line break: lists, table
    /// rows and flattened JSON or CSV put one item per line without a full stop.
    func sentences(in range: Range<Int>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var start: Int?
        var lastEnd = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            let (scalar, length) = decode(at: i)
            if isWhitespace(scalar) {
                if isLineBreak(scalar), let open = start {
                    found.append(open..<lastEnd)
                    start = nil
                }
                i += length
                continue
            }
            if start == nil { start = i }
            i += length
            lastEnd = i
            let western = Self.terminators.contains(scalar)
            guard western || Self.cjkTerminators.contains(scalar) else { continue }
            var end = i
            while end < range.upperBound {
                let (next, nextLength) = decode(at: end)
                guard Self.closers.contains(next) else { break }
                end += nextLength
            }
            let followedBySpace = end >= range.upperBound || isWhitespace(decode(at: end).scalar)
            if let open = start, !western || followedBySpace {
                found.append(open..<end)
                start = nil
                i = end
                lastEnd = end
            }
        }
        if let open = start { found.append(open..<lastEnd) }
        return found
    }

    /// Runs of non-whitespace.
    func words(in range: Range<Int>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var start: Int?
        var i = range.lowerBound
        while i < range.upperBound {
            let (scalar, length) = decode(at: i)
            if isWhitespace(scalar) {
                if let open = start { found.append(open..<i) }
                start = nil
            } else if start == nil {
                start = i
            }
            i += length
        }
        if let open = start { found.append(open..<range.upperBound) }
        return found
    }

    /// Byte offsets of the grapheme cluster boundaries in `range`, both ends included, so a
    /// cut never splits a UTF-8 sequence or a character (an accent from its letter, an emoji).
    func characterBoundaries(in range: Range<Int>) -> [Int] {
        let text = String(decoding: bytes[range], as: UTF8.self)
        var offsets = [range.lowerBound]
        var position = range.lowerBound
        for character in text {
            position += character.utf8.count
            offsets.append(position)
        }
        return offsets
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    // MARK: - Scalars

    private static let terminators: Set<Unicode.Scalar> = [".", "!", "?", "\u{2026}"]
    private static let cjkTerminators: Set<Unicode.Scalar> = ["\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{FF61}"]
    private static let closers: Set<Unicode.Scalar> = [
        "\"", "'", ")", "]", "\u{201D}", "\u{2019}", "\u{00BB}", "\u{300D}", "\u{300F}", "\u{FF09}", "\u{3011}",
    ]

    /// The scalar starting at byte `i`. The bytes come from a Swift string, so they are valid
    /// UTF-8; a stray continuation byte still decodes (as U+FFFD, one byte) rather than trapping.
    func decode(at i: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let lead = bytes[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        guard lead >= 0xC0 else { return ("\u{FFFD}", 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard i + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    private func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return true
        case 0x21..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }

    private func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\u{0C}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
