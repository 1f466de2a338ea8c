/// Turns the bytes of a supported file into plain text for chunking, embedding and search.
///
/// Every type's text comes out tidied the same way: LF line ends, no control characters,
/// no trailing spaces, at most one blank line in a row, nothing leading or trailing.
/// Extraction parses whole files and PDF extraction runs `pdftotext` for up to a minute:
/// call `extract` on a thread that may block (`BlockingPool`), never on the cooperative pool.
public struct TextExtractor: Sendable {
    /// Where `pdftotext` is; nil searches PATH.
    public var pdftotextPath: String?
    /// The largest input, and the largest part unpacked from a DOCX, accepted.
    public var maxBytes: Int
    /// Extracted text may be this many times the input's size (CSV headers and JSON
    /// paths repeat per value: a table of small numbers legitimately grows ~10×)...
    public var maxExpansion = 16
    /// ...but never less than this (tiny files)...
    public var minTextBytes = 1 << 20
    /// ...and never more than this, whatever the input.
    public var maxTextBytes = 32 << 20

    /// The most text an input of `inputBytes` may extract to.
    public func textLimit(inputBytes: Int) -> Int {
        let (scaled, overflow) = inputBytes.multipliedReportingOverflow(by: maxExpansion)
        return min(maxTextBytes, max(minTextBytes, overflow ? Int.max : scaled))
    }

    /// - Parameters:
    ///   - pdftotextPath: the `pdftotext` program (poppler-utils); nil searches PATH.
    ///   - maxBytes: inputs (and unpacked DOCX parts) above this are refused as `tooLarge`.
    public init(pdftotextPath: String? = nil, maxBytes: Int = 256 * 1024 * 1024) {
        self.pdftotextPath = pdftotextPath
        self.maxBytes = maxBytes
    }

    /// The text of `bytes` read as `type` (see `ContentType.detect`).
    ///
    /// - Throws: `IngestionError.tooLarge` over `maxBytes`; `.textTooLarge` when the text
    ///   outgrows `textLimit(inputBytes:)`; `.corrupt` when the content is not valid `type`;
    ///   `.missingTool` when a PDF needs `pdftotext` and it is not installed; `.timedOut`
    ///   when `pdftotext` hangs; `.cancelled` when `cancel` is raised meanwhile; `.empty`
    ///   when no text comes out.
    public func extract(_ bytes: [UInt8], as type: ContentType, cancel: CancellationFlag = CancellationFlag()) throws(IngestionError) -> String {
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes: bytes.count, limit: maxBytes) }
        var budget = TextBudget(limit: textLimit(inputBytes: bytes.count))
        let raw: String
        switch type {
        case .txt: raw = Self.decode(bytes)
        case .md: raw = MarkdownText.extract(Self.decode(bytes))
        case .html: raw = HTMLText.extract(Self.withoutBOM(bytes))
        case .json: raw = try JSONText.extract(Self.withoutBOM(bytes), budget: &budget)
        case .csv: raw = try CSVText.extract(Self.withoutBOM(bytes), budget: &budget)
        case .docx: raw = try DocxText.extract(bytes, maxBytes: maxBytes)
        case .pdf: raw = try PDFText.extract(bytes, pdftotextPath: pdftotextPath, maxOutputBytes: budget.limit, cancel: cancel)
        }
        guard raw.utf8.count <= budget.limit else { throw .textTooLarge(limit: budget.limit) }
        let text = Self.tidy(raw)
        guard !text.isEmpty else { throw .empty(what: "\(type.rawValue) content") }
        return text
    }

    /// Detects the type from the content (see `ContentType.detect`) and extracts the text.
    public func extract(_ bytes: [UInt8], filename: String?, cancel: CancellationFlag = CancellationFlag()) throws(IngestionError) -> (type: ContentType, text: String) {
        let type = try ContentType.detect(bytes, filename: filename)
        let text = try extract(bytes, as: type, cancel: cancel)
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
