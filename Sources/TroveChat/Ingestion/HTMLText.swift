/// Turns HTML into readable text with one hand-written pass over the bytes (no parser
/// library: a forgiving scan suits the malformed HTML found in the wild). Script, style and
/// other non-content elements are dropped, block elements become line or paragraph breaks,
/// table cells are joined with " | ", character references are decoded, and the title
/// becomes the first line.
struct HTMLText {
    /// Elements whose content is not page text; skipped up to their closing tag.
    private static let skipped: Set<String> = [
        "script", "style", "head", "noscript", "template", "title", "iframe", "object", "svg",
    ]
    private static let paragraphElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre", "table",
        "ul", "ol", "dl", "header", "footer", "main", "nav", "aside", "figure", "hr", "form",
        "fieldset", "address", "details", "body",
    ]
    private static let lineElements: Set<String> = [
        "div", "br", "li", "tr", "dt", "dd", "caption", "figcaption", "summary", "option",
        "thead", "tbody", "tfoot", "legend",
    ]

    private let bytes: [UInt8]
    private var index = 0
    private var out = Output()
    private var title: [UInt8]?
    private var preDepth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func extract(_ bytes: [UInt8]) -> String {
        var scanner = HTMLText(bytes)
        scanner.run()
        let body = String(decoding: scanner.out.bytes, as: UTF8.self)
        guard let raw = scanner.title else { return body }
        var heading = Output()
        for byte in HTMLEntities.decodeAll(raw) {
            if ContentType.isASCIISpace(byte) { heading.space() } else { heading.text(byte) }
        }
        let title = String(decoding: heading.bytes, as: UTF8.self)
        if title.isEmpty || body.hasPrefix(title) { return body }
        return body.isEmpty ? title : title + "\n\n" + body
    }

    private mutating func run() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<"), markup() { continue }
            if byte == UInt8(ascii: "&"), let reference = HTMLEntities.decode(bytes, at: index) {
                if reference.scalar == " " {
                    out.space()
                } else {
                    var encoded: [UInt8] = []
                    HTMLEntities.appendUTF8(reference.scalar, to: &encoded)
                    for unit in encoded { out.text(unit) }
                }
                index += reference.length
                continue
            }
            index += 1
            if ContentType.isASCIISpace(byte) {
                if preDepth == 0 {
                    out.space()
                } else if byte == UInt8(ascii: "\n") {
                    out.lineBreak(out.pendingBreak + 1)
                } else if byte != UInt8(ascii: "\r") {
                    out.text(byte)
                }
            } else {
                out.text(byte)
            }
        }
    }

    /// Handles the markup at `index` (a `<`); false when it is a literal "<" in text.
    private mutating func markup() -> Bool {
        if starts(with: "<!--", at: index) {
            index = find("-->", from: index + 4).map { $0 + 3 } ?? bytes.count
            return true
        }
        if starts(with: "<!", at: index) || starts(with: "<?", at: index) {
            index = find(">", from: index + 2).map { $0 + 1 } ?? bytes.count
            return true
        }
        let closing = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/")
        let nameStart = index + (closing ? 2 : 1)
        var nameEnd = nameStart
        while nameEnd < bytes.count, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        guard nameEnd > nameStart, Self.isLetter(bytes[nameStart]) else { return false }
        let name = String(decoding: bytes[nameStart..<nameEnd].map { Self.lowercased($0) }, as: UTF8.self)
        guard let tagEnd = endOfTag(from: nameEnd) else {
            index = bytes.count
            return true
        }
        let selfClosing = bytes[tagEnd - 1] == UInt8(ascii: "/")
        index = tagEnd + 1
        if !closing && !selfClosing && Self.skipped.contains(name) {
            skipContent(of: name)
            return true
        }
        if Self.paragraphElements.contains(name) {
            out.lineBreak(2)
        } else if Self.lineElements.contains(name) {
            out.lineBreak(1)
        } else if !closing && (name == "td" || name == "th") {
            out.cellSeparator()
        }
        if name == "pre" && !selfClosing { preDepth = max(0, preDepth + (closing ? -1 : 1)) }
        return true
    }

    /// Skips to after `</name>`, keeping the first title seen (it may sit inside `head`).
    private mutating func skipContent(of name: String) {
        guard let close = findTag("</" + name, from: index) else {
            // A `head` that is never closed still holds the page; other elements run to the end.
            if name != "head" { index = bytes.count }
            return
        }
        if title == nil {
            if name == "title" {
                title = Array(bytes[index..<close])
            } else if let open = findTag("<title", from: index), open < close,
                      let openEnd = endOfTag(from: open + 6),
                      let titleClose = findTag("</title", from: openEnd), titleClose < close {
                title = Array(bytes[(openEnd + 1)..<titleClose])
            }
        }
        index = endOfTag(from: close + 2 + name.utf8.count).map { $0 + 1 } ?? bytes.count
    }

    /// The `>` that ends a tag, quoted attribute values respected.
    private func endOfTag(from start: Int) -> Int? {
        var quote: UInt8?
        var previous: UInt8 = 0
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if let open = quote {
                if byte == open { quote = nil }
            } else if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) && previous == UInt8(ascii: "=") {
                // Only a quote opening an attribute value counts: `<a title=don't>` has none.
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return position
            }
            if !ContentType.isASCIISpace(byte) { previous = byte }
            position += 1
        }
        return nil
    }

    // MARK: - Byte helpers

    private func starts(with prefix: String, at position: Int) -> Bool {
        let pattern = Array(prefix.utf8)
        guard position + pattern.count <= bytes.count else { return false }
        return bytes[position..<(position + pattern.count)].elementsEqual(pattern)
    }

    private func find(_ pattern: String, from start: Int) -> Int? {
        findCaseInsensitive(pattern, from: start)
    }

    /// The next `<name` or `</name` (lowercase `prefix`) that is the whole tag name:
    /// `</head` must not find `</header>`.
    private func findTag(_ prefix: String, from start: Int) -> Int? {
        var position = start
        while let found = findCaseInsensitive(prefix, from: position) {
            let after = found + prefix.utf8.count
            if after >= bytes.count || !Self.isNameByte(bytes[after]) { return found }
            position = found + 1
        }
        return nil
    }

    /// `pattern` must be lowercase ASCII.
    private func findCaseInsensitive(_ pattern: String, from start: Int) -> Int? {
        let needle = Array(pattern.utf8)
        guard let first = needle.first, start >= 0, start + needle.count <= bytes.count else { return nil }
        var position = start
        let last = bytes.count - needle.count
        while position <= last {
            if Self.lowercased(bytes[position]) == first {
                var offset = 1
                while offset < needle.count, Self.lowercased(bytes[position + offset]) == needle[offset] { offset += 1 }
                if offset == needle.count { return position }
            }
            position += 1
        }
        return nil
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }
}

extension HTMLText {
    /// Text output that collapses whitespace: spaces, breaks and cell separators are held
    /// until more text follows, so none lead or trail and runs collapse to one.
    struct Output {
        private(set) var bytes: [UInt8] = []
        private(set) var pendingBreak = 0
        private var pendingSpace = false
        private var pendingSeparator = false
        private var lineHasText = false

        mutating func text(_ byte: UInt8) {
            if !bytes.isEmpty {
                if pendingBreak > 0 {
                    bytes.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: pendingBreak))
                    lineHasText = false
                } else if pendingSeparator {
                    bytes.append(contentsOf: Array(" | ".utf8))
                } else if pendingSpace {
                    bytes.append(UInt8(ascii: " "))
                }
            }
            pendingBreak = 0; pendingSpace = false; pendingSeparator = false
            bytes.append(byte)
            lineHasText = true
        }

        mutating func space() {
            if pendingBreak == 0 { pendingSpace = true }
        }

        /// Asks for `count` newlines (at most two: a paragraph break) before the next text.
        mutating func lineBreak(_ count: Int) {
            pendingBreak = min(2, max(pendingBreak, count))
            pendingSpace = false; pendingSeparator = false
        }

        mutating func cellSeparator() {
            if lineHasText && pendingBreak == 0 { pendingSeparator = true }
        }
    }
}
