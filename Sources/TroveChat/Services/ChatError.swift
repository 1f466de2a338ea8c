import TroveJSON

/// Why a chat service refused a call. `notFound` is also the answer for another owner's
/// record: it must not be told apart from a missing one.
public enum ChatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// kind: "agent", "conversation", "message", "file".
    case notFound(kind: String, id: String)
    /// A field of the input is wrong: `field` is its JSON path (`$.retrieval.top_k`).
    case invalid(field: String, reason: String)
    case tooLarge(bytes: Int, limit: Int)
    /// The value of `field` is already taken (a username): nothing was changed.
    case conflict(field: String, reason: String)
    /// A stored record's field is missing or holds the wrong type: the data folder is
    /// damaged (or was written by a newer version), not the request.
    case corruptRecord(collection: String, id: String, field: String, reason: String)
    /// The chunk collection was made for another embedding dimension.
    case embedderMismatch(stored: Int, configured: Int)
    /// A signed download link that is malformed, tampered with, or expired.
    case badSignature(String)
    /// The chat model failed; the user message was stored with the error.
    case provider(ChatModelError, messageID: String?)
    /// A file could not be turned into text.
    case ingestion(String)
    /// The call is over one of the documented limits (extracted text, chunks per file);
    /// nothing was changed.
    case limitExceeded(String)
    /// The caller already has as much work in flight as it may (concurrent uploads):
    /// nothing was changed, try again later.
    case busy(String)
    /// A quota that refills at a known time (a bot's daily token budget) is spent:
    /// nothing was changed; try again in `retryAfterSeconds`.
    case exhausted(String, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case let .notFound(kind, id): return "no \(kind) '\(id)'"
        case let .invalid(field, reason): return "\(field): \(reason)"
        case let .tooLarge(bytes, limit): return "the upload is \(bytes) bytes; the limit is \(limit)"
        case let .conflict(field, reason): return "\(field): \(reason)"
        case let .corruptRecord(collection, id, field, reason): return "stored record '\(id)' in \(collection) is damaged: \(field): \(reason)"
        case let .embedderMismatch(stored, configured):
            return "the chunk collection holds \(stored)-dimensional embeddings but the configured embedder makes \(configured): use the embedder the data was indexed with (TROVE_EMBEDDER) or a new data folder"
        case let .badSignature(why): return "invalid download link: \(why)"
        case let .provider(error, _): return error.description
        case let .ingestion(why): return why
        case let .limitExceeded(why): return why
        case let .busy(why): return why
        case let .exhausted(why, _): return why
        }
    }

    /// A strict reader's refusal, with its path.
    public static func invalid(_ error: JSONInputError) -> ChatError { .invalid(field: error.path, reason: error.reason) }
}
