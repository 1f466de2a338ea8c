import TroveJSON

/// The kinds of content Trove turns into text.
public enum ContentType: String, Sendable, CaseIterable {
    case txt, md, html, json, csv, docx, pdf

    /// The IANA media type.
    public var mediaType: String {
        switch self {
        case .txt: return "text/plain"
        case .md: return "text/markdown"
        case .html: return "text/html"
        case .json: return "application/json"
        case .csv: return "text/csv"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .pdf: return "application/pdf"
        }
    }

    /// Detects the type from the bytes themselves. Names lie (uploads get renamed, browsers
    /// guess), so the file name's extension only decides between Markdown and plain text,
    /// which content alone cannot always tell apart.
    ///
    /// - Throws: `IngestionError.unsupported` for binary data and ZIP archives that are not
    ///   Word documents; `.corrupt` for a ZIP whose directory cannot be read.
    public static func detect(_ bytes: [UInt8], filename: String?) throws(IngestionError) -> ContentType {
        if hasPDFHeader(bytes) { return .pdf }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            if try DocxText.holdsDocument(bytes) { return .docx }
            throw .unsupported("a ZIP archive that is not a Word document (it holds no word/document.xml)")
        }
        if let kind = knownBinaryKind(bytes) { throw .unsupported(kind) }
        guard looksLikeText(bytes) else {
            throw .unsupported("binary data (not UTF-8 text, and not a PDF or DOCX file)")
        }
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if looksLikeJSON(text) { return .json }
        if looksLikeHTML(text) { return .html }
        if CSVText.sniffDelimiter(text) != nil { return .csv }
        if markdownScore(text) >= 2 { return .md }
        return nameSaysMarkdown(filename) ? .md : .txt
    }

    // MARK: - Signatures

    /// `%PDF-` at the start, or within the first 1 KiB (readers tolerate junk before it) when
    /// the end also has the `%%EOF` marker, so that text merely quoting a header stays text.
    static func hasPDFHeader(_ bytes: [UInt8]) -> Bool {
        let header = Array("%PDF-".utf8)
        if bytes.starts(with: header) { return true }
        return contains(bytes.prefix(1024), header) && contains(bytes.suffix(2048), Array("%%EOF".utf8))
    }

    /// Names a few common binary formats so the refusal says what the file was.
    static func knownBinaryKind(_ bytes: [UInt8]) -> String? {
        let signatures: [([UInt8], String)] = [
            ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
            ([0xFF, 0xD8, 0xFF], "a JPEG image"),
            (Array("GIF8".utf8), "a GIF image"),
            ([0x1F, 0x8B], "gzip-compressed data"),
            ([0x7F, 0x45, 0x4C, 0x46], "an ELF executable"),
            ([0xD0, 0xCF, 0x11, 0xE0], "a legacy Office (OLE) file such as .doc; save it as .docx"),
            ([0x50, 0x4B, 0x05, 0x06], "an empty ZIP archive"),
        ]
        return signatures.first { bytes.starts(with: $0.0) }?.1
    }

    /// UTF-8 without NUL bytes and with few control characters, judged on the first 64 KiB.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        let limit = 64 * 1024
        var end = min(bytes.count, limit)
        if end < bytes.count {
            // The window may cut a multi-byte sequence; an incomplete tail is not an error.
            var lead = end - 1
            while lead > 0, end - lead < 4, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            let byte = bytes[lead]
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if lead + length > end { end = lead }
        }
        var iterator = bytes[0..<end].makeIterator()
        var decoder = Unicode.UTF8()
        var scalars = 0, controls = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar):
                scalars += 1
                switch scalar.value {
                case 0: return false
                case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B: break
                case 0x01..<0x20, 0x7F: controls += 1
                default: break
                }
            case .emptyInput: break decoding
            case .error: return false
            }
        }
        // A stray control character happens in real text; many of them do not.
        return controls * 50 <= scalars
    }

    // MARK: - Text kinds

    static func looksLikeJSON(_ text: [UInt8]) -> Bool {
        guard let first = text.first(where: { !isASCIISpace($0) }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return false }
        if (try? JSONParser.parse(text)) != nil { return true }
        // JSON Lines: every one of the first lines is a JSON value of its own.
        let window = 64 * 1024
        var lines = JSONText.lines(of: text.prefix(window))
        if text.count > window, !lines.isEmpty { lines.removeLast() }  // the window may cut it
        return first == UInt8(ascii: "{") && lines.count >= 2
            && lines.prefix(20).allSatisfy { (try? JSONParser.parse(Array($0))) != nil }
    }

    static func looksLikeHTML(_ text: [UInt8]) -> Bool {
        let head = lowercasedASCII(text.prefix(4096))
        let trimmed = head.drop { isASCIISpace($0) }
        if trimmed.starts(with: Array("<!doctype html".utf8)) { return true }
        if contains(head, "<html") { return true }
        let tags = ["<p>", "<p ", "<div", "<body", "<h1", "<h2", "<h3", "<h4", "<br", "<table",
                    "<ul", "<ol", "<li", "<span", "<a href", "<head", "<title", "<section", "<article"]
        let found = tags.reduce(0) { $0 + occurrences(head, $1) }
        // A fragment that opens with a tag needs less evidence than prose quoting one.
        return found >= 3 || (trimmed.first == UInt8(ascii: "<") && found >= 1)
    }

    /// A rough count of Markdown signals in the first 64 KiB: headings, fences and links
    /// count double, because prose rarely has them.
    static func markdownScore(_ text: [UInt8]) -> Int {
        let window = String(decoding: text.prefix(64 * 1024), as: UTF8.self)
        var score = 0, listLines = 0
        for line in window.split(separator: "\n", omittingEmptySubsequences: true) {
            let body = line.drop { $0 == " " }
            if body.hasPrefix("# ") || body.hasPrefix("## ") || body.hasPrefix("### ") || body.hasPrefix("#### ") {
                score += 2
            } else if body.hasPrefix("```") || body.hasPrefix("~~~") {
                score += 1
            } else if body.hasPrefix("- ") || body.hasPrefix("* ") || body.hasPrefix("+ ") {
                listLines += 1
            }
            if line.contains("**") { score += 1 }
            if line.contains("](") && line.contains("[") { score += 2 }
            if score >= 6 { break }
        }
        return score + listLines / 2
    }

    static func nameSaysMarkdown(_ filename: String?) -> Bool {
        guard let filename, let dot = filename.lastIndex(of: ".") else { return false }
        let ext = filename[filename.index(after: dot)...].lowercased()
        return ["md", "markdown", "mdown", "mkd"].contains(ext)
    }

    // MARK: - Byte helpers

    static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C
    }

    private static func lowercasedASCII(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        occurrences(haystack, needle, stopAt: 1) > 0
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var start = haystack.startIndex
        while start <= haystack.endIndex - needle.count {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }

    private static func occurrences(_ haystack: [UInt8], _ needle: String, stopAt: Int = .max) -> Int {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return 0 }
        var found = 0
        for start in 0...(haystack.count - pattern.count)
        where haystack[start] == pattern[0] && haystack[start..<(start + pattern.count)].elementsEqual(pattern) {
            found += 1
            if found >= stopAt { break }
        }
        return found
    }
}
