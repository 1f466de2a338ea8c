import Foundation

/// Turns Markdown into plain, readable text: fence markers, heading marks, emphasis, link
/// and image syntax, reference definitions and HTML comments go; code, link text, alt
/// text, list items and the paragraph structure stay. A line-by-line pass, forgiving like
/// Markdown renderers, not a full CommonMark parser.
enum MarkdownText {
    static func extract(_ text: String) -> String {
        var lines: [String] = []
        var fence: String?  // the opening fence's marker while inside a fenced code block
        var inComment = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let marker = fence {
                if raw.drop(while: { $0 == " " }).hasPrefix(marker) { fence = nil } else { lines.append(String(raw)) }
                continue
            }
            let line = removingComments(String(raw), inComment: &inComment)
            let body = line.drop(while: { $0 == " " || $0 == "\t" })
            if body.hasPrefix("```") || body.hasPrefix("~~~") {
                fence = String(body.prefix(3))
                continue
            }
            if isRule(body) || isTableSeparator(body) || isReferenceDefinition(body) {
                lines.append("")
                continue
            }
            var content = stripHeading(body)
            while content.hasPrefix(">") {
                content = content.dropFirst()
                if content.hasPrefix(" ") { content = content.dropFirst() }
            }
            // `*` and `+` bullets would read as emphasis markers below.
            if content.hasPrefix("* ") || content.hasPrefix("+ ") { content = Substring("- " + String(content.dropFirst(2))) }
            lines.append(inline(String(content)))
        }
        return lines.joined(separator: "\n")
    }

    /// Removes `<!-- … -->`, which may span lines (`inComment` carries the state).
    private static func removingComments(_ line: String, inComment: inout Bool) -> String {
        var rest = Substring(line)
        var kept = ""
        while true {
            if inComment {
                guard let end = rest.range(of: "-->") else { return kept }
                rest = rest[end.upperBound...]
                inComment = false
            }
            guard let start = rest.range(of: "<!--") else { return kept + String(rest) }
            kept += String(rest[..<start.lowerBound])
            rest = rest[start.upperBound...]
            inComment = true
        }
    }

    /// `---`, `***`, `___` rules and `===`/`---` setext underlines.
    private static func isRule(_ line: Substring) -> Bool {
        let marks = line.filter { $0 != " " && $0 != "\t" }
        guard marks.count >= 3, let first = marks.first, "-*_=".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    private static func isTableSeparator(_ line: Substring) -> Bool {
        line.contains("|") && line.contains("-") && line.allSatisfy { "|-: \t".contains($0) }
    }

    /// `[label]: url` lines (footnotes, `[^1]: text`, are content and stay).
    private static func isReferenceDefinition(_ line: Substring) -> Bool {
        guard line.hasPrefix("["), !line.hasPrefix("[^"), let close = line.firstIndex(of: "]") else { return false }
        return line[line.index(after: close)...].hasPrefix(":")
    }

    private static func stripHeading(_ line: Substring) -> Substring {
        let hashes = line.prefix { $0 == "#" }
        guard (1...6).contains(hashes.count) else { return line }
        var rest = line.dropFirst(hashes.count)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return line }
        rest = rest.drop { $0 == " " || $0 == "\t" }
        // A closing sequence of #'s is decoration too.
        var trimmed = rest
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        let closing = trimmed.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let before = trimmed.dropLast(closing)
            if before.isEmpty || before.last == " " { trimmed = before }
        }
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        return trimmed
    }

    // MARK: - Inline syntax

    static func inline(_ line: String) -> String {
        let s = Array(line.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case "\\" where i + 1 < s.count && isASCIIPunctuation(s[i + 1]):
                out.append(s[i + 1]); i += 2
            case "`":
                let run = runLength(s, at: i)
                if let close = findRun(of: "`", length: run, in: s, from: i + run) {
                    var code = s[(i + run)..<close]
                    if code.count >= 2, code.first == " ", code.last == " " { code = code.dropFirst().dropLast() }
                    out.append(contentsOf: code)
                    i = close + run
                } else {
                    out.append(contentsOf: s[i..<(i + run)]); i += run
                }
            case "!" where i + 1 < s.count && s[i + 1] == "[":
                if let link = link(in: s, at: i + 1) {
                    out.append(contentsOf: inline(link.text).unicodeScalars); i = link.end
                } else {
                    out.append(c); i += 1
                }
            case "[":
                if let link = link(in: s, at: i) {
                    out.append(contentsOf: inline(link.text).unicodeScalars); i = link.end
                } else {
                    out.append(c); i += 1
                }
            case "<":
                if let end = s[i...].firstIndex(of: ">"), isAutolink(s[(i + 1)..<end]) {
                    out.append(contentsOf: s[(i + 1)..<end]); i = end + 1
                } else {
                    out.append(c); i += 1
                }
            case "*", "_", "~":
                let run = runLength(s, at: i)
                let next = i + run
                if isEmphasisMarker(c, run: run, before: i > 0 ? s[i - 1] : nil, after: next < s.count ? s[next] : nil) {
                    i = next
                } else {
                    out.append(contentsOf: s[i..<next]); i = next
                }
            default:
                out.append(c); i += 1
            }
        }
        return String(out)
    }

    /// `[text](url)` or `[text][ref]` starting at `open` (a `[`): the text and where the link ends.
    private static func link(in s: [Unicode.Scalar], at open: Int) -> (text: String, end: Int)? {
        var depth = 0, i = open
        var close: Int?
        while i < s.count {
            if s[i] == "\\" { i += 2; continue }
            if s[i] == "[" { depth += 1 }
            if s[i] == "]" { depth -= 1; if depth == 0 { close = i; break } }
            i += 1
        }
        guard let close, close + 1 < s.count else { return nil }
        let text = String(String.UnicodeScalarView(s[(open + 1)..<close]))
        let (opener, closer): (Unicode.Scalar, Unicode.Scalar) = s[close + 1] == "(" ? ("(", ")") : ("[", "]")
        guard s[close + 1] == opener else { return nil }
        depth = 0
        i = close + 1
        while i < s.count {
            if s[i] == opener { depth += 1 }
            if s[i] == closer { depth -= 1; if depth == 0 { return (text, i + 1) } }
            i += 1
        }
        return nil
    }

    /// Whether a run of `*`, `_` or `~` is emphasis to drop rather than a literal character:
    /// not surrounded by spaces (`2 * 3`), `_` not inside a word (`snake_case`), `~` only doubled.
    private static func isEmphasisMarker(_ mark: Unicode.Scalar, run: Int, before: Unicode.Scalar?, after: Unicode.Scalar?) -> Bool {
        if mark == "~" && run != 2 { return false }
        let spaceBefore = before.map { $0.properties.isWhitespace } ?? true
        let spaceAfter = after.map { $0.properties.isWhitespace } ?? true
        if spaceBefore && spaceAfter { return false }
        let wordBefore = before.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
        let wordAfter = after.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
        if wordBefore && wordAfter && (mark == "_" || run == 1) { return false }
        return true
    }

    private static func isAutolink(_ inner: ArraySlice<Unicode.Scalar>) -> Bool {
        guard !inner.isEmpty, !inner.contains(where: { $0.properties.isWhitespace }) else { return false }
        let text = String(String.UnicodeScalarView(inner))
        return text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("mailto:")
            || (text.contains("@") && !text.contains("/"))
    }

    private static func runLength(_ s: [Unicode.Scalar], at start: Int) -> Int {
        var end = start
        while end < s.count && s[end] == s[start] { end += 1 }
        return end - start
    }

    /// The start of the next run of exactly `length` copies of `mark` at or after `from`.
    private static func findRun(of mark: Unicode.Scalar, length: Int, in s: [Unicode.Scalar], from: Int) -> Int? {
        var i = from
        while i < s.count {
            if s[i] == mark {
                let run = runLength(s, at: i)
                if run == length { return i }
                i += run
            } else {
                i += 1
            }
        }
        return nil
    }

    private static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.contains(c)
    }
}
