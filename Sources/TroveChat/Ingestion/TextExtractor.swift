/// Turns the bytes of a supported file into plain text for chunking, embedding and search.
///
/// Every type's text comes out tidied the same way: LF line ends, no control characters,
/// no trailing spaces, at most one blank line in a row, nothing leading or trailing.
/// PDF extraction runs `pdftotext` and blocks for up to a minute, so call `extract` from a
/// thread that may block (not from the cooperative pool in a tight loop).
public struct TextExtractor: Sendable {
    /// Where `pdftotext` is; nil searches PATH.
    public var pdftotextPath: String?
    /// The largest input, and the largest part unpacked from a DOCX, accepted.
    public var maxBytes: Int

    /// - Parameters:
    ///   - pdftotextPath: the `pdftotext` program (poppler-utils); nil searches PATH.
    ///   - maxBytes: inputs (and unpacked DOCX parts) above this are refused as `tooLarge`.
    public init(pdftotextPath: String? = nil, maxBytes: Int = 256 * 1024 * 1024) {
        self.pdftotextPath = pdftotextPath
        self.maxBytes = maxBytes
    }

    /// The text of `bytes` read as `type` (see `ContentType.detect`).
    ///
    /// - Throws: `IngestionError.tooLarge` over `maxBytes`; `.corrupt` when the content is not
    ///   valid `type`; `.missingTool` when a PDF needs `pdftotext` and it is not installed;
    ///   `.timedOut` when `pdftotext` hangs; `.empty` when no text comes out.
    public func extract(_ bytes: [UInt8], as type: ContentType) throws(IngestionError) -> String {
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes: bytes.count, limit: maxBytes) }
        let raw: String
        switch type {
        case .txt: raw = Self.decode(bytes)
        case .md: raw = MarkdownText.extract(Self.decode(bytes))
        case .html: raw = HTMLText.extract(Self.withoutBOM(bytes))
        case .json: raw = try JSONText.extract(Self.withoutBOM(bytes))
        case .csv: raw = CSVText.extract(Self.withoutBOM(bytes))
        case .docx: raw = try DocxText.extract(bytes, maxBytes: maxBytes)
        case .pdf: raw = try PDFText.extract(bytes, pdftotextPath: pdftotextPath)
        }
        let text = Self.tidy(raw)
        guard !text.isEmpty else { throw .empty(what: "\(type.rawValue) content") }
        return text
    }

    /// Detects the type from the content (see `ContentType.detect`) and extracts the text.
    public func extract(_ bytes: [UInt8], filename: String?) throws(IngestionError) -> (type: ContentType, text: String) {
        let type = try ContentType.detect(bytes, filename: filename)
        let text = try extract(bytes, as: type)
        return (type, text)
    }

    // MARK: - Plain text

    static func withoutBOM(_ bytes: [UInt8]) -> [UInt8] {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    /// UTF-8 without a BOM and with LF line ends; invalid sequences become U+FFFD rather
    /// than failing, because one bad byte should not lose a whole document.
    static func decode(_ bytes: [UInt8]) -> String {
        let body = withoutBOM(bytes)
        guard body.contains(0x0D) else { return String(decoding: body, as: UTF8.self) }
        var unix: [UInt8] = []
        unix.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            let byte = body[index]
            index += 1
            if byte == 0x0D {
                unix.append(0x0A)
                if index < body.count && body[index] == 0x0A { index += 1 }
            } else {
                unix.append(byte)
            }
        }
        return String(decoding: unix, as: UTF8.self)
    }

    /// LF line ends, control characters (but tab) dropped, trailing spaces of lines dropped,
    /// runs of blank lines cut to one, leading and trailing whitespace trimmed. Indentation
    /// inside the text stays: code and tables read wrong without it.
    static func tidy(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingNewlines = 0
        var pendingSpaces = String.UnicodeScalarView()
        var started = false
        var afterCR = false
        for var scalar in text.unicodeScalars {
            if scalar == "\r" {
                afterCR = true
                scalar = "\n"
            } else if scalar == "\n" && afterCR {
                afterCR = false
                continue
            } else {
                afterCR = false
            }
            switch scalar.value {
            case 0x0A:
                pendingNewlines += 1
                pendingSpaces.removeAll(keepingCapacity: true)
            case 0x09, 0x20:
                pendingSpaces.append(scalar)
            case 0x00..<0x20, 0x7F:
                continue
            default:
                if started {
                    if pendingNewlines > 0 {
                        out.append(contentsOf: repeatElement("\n" as Unicode.Scalar, count: min(2, pendingNewlines)))
                    }
                    out.append(contentsOf: pendingSpaces)
                }
                pendingNewlines = 0
                pendingSpaces.removeAll(keepingCapacity: true)
                started = true
                out.append(scalar)
            }
        }
        return String(out)
    }
}
