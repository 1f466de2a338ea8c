/// Why a file could not be turned into text or chunks. Every case says what was wrong and
/// what to do about it, because these messages reach the person who uploaded the file.
public enum IngestionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The content is of a kind Trove does not read; the text names what it looks like.
    case unsupported(String)
    /// A helper program is needed and is not installed (or not at the given path).
    case missingTool(name: String, hint: String)
    /// The content claims a type but does not hold to it: `what` is the type or part,
    /// `detail` what went wrong (a parser's message, a tool's stderr).
    case corrupt(what: String, detail: String)
    /// The input (or a part unpacked from it) is bigger than the configured limit.
    case tooLarge(bytes: Int, limit: Int)
    /// Extraction ran but produced no text (an empty file, a scanned PDF without a text layer).
    case empty(what: String)
    /// A helper program did not finish in time and was stopped.
    case timedOut(tool: String, seconds: Int)
    /// The extracted text grew past `limit` bytes (JSON paths and CSV headers are
    /// repeated per value, so text can outgrow its file).
    case textTooLarge(limit: Int)
    /// The text splits into more than `limit` chunks.
    case tooManyChunks(count: Int, limit: Int)
    /// The work was cancelled (the server is shutting down).
    case cancelled
    /// The splitter's chunk and overlap sizes do not make sense together.
    case badSplitSettings(chunkTokens: Int, overlapTokens: Int, reason: String)

    /// The `missingTool` value for `pdftotext`, with the Debian package that provides it.
    public static let pdftotextMissing = IngestionError.missingTool(
        name: "pdftotext", hint: "install Debian's poppler-utils: apt-get install poppler-utils")

    /// Whether the error is one of the size limits (the upload is refused, not kept as failed).
    public var isLimit: Bool {
        switch self {
        case .tooLarge, .textTooLarge, .tooManyChunks: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .unsupported(what):
            return "unsupported content: \(what); Trove reads UTF-8 text, Markdown, HTML, JSON, CSV, DOCX and PDF"
        case let .missingTool(name, hint):
            return "the program '\(name)' is needed and was not found; \(hint)"
        case let .corrupt(what, detail):
            return "the \(what) cannot be read: \(detail)"
        case let .tooLarge(bytes, limit):
            return "the content is \(bytes) bytes, over the limit of \(limit) bytes"
        case let .empty(what):
            return "no text could be extracted from the \(what)"
        case let .textTooLarge(limit):
            return "the extracted text is over the limit of \(limit) bytes"
        case let .tooManyChunks(count, limit):
            return "the text splits into \(count) chunks, over the limit of \(limit) per file"
        case .cancelled:
            return "ingestion was cancelled"
        case let .timedOut(tool, seconds):
            return "'\(tool)' did not finish within \(seconds) s and was stopped"
        case let .badSplitSettings(chunk, overlap, reason):
            return "bad chunk settings (chunk \(chunk) tokens, overlap \(overlap) tokens): \(reason)"
        }
    }
}
