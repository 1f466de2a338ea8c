import TroveStorage
import TroveText

/// Why the engine refused a call.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownCollection(String)
    case collectionExists(String)
    /// The collection was not made by the engine (its metadata holds no schema).
    case noSchema(String)
    /// The collection is tenant-scoped and the call carried no tenant.
    case tenantRequired(collection: String)
    /// A document names another tenant than the call, or its id belongs to another tenant.
    case tenantMismatch(id: String)
    case badQuery(String)
    /// A score-ordered cursor whose pinned snapshot has expired: start the paging again.
    case cursorExpired
    /// The query asks for more than a search gives (`EngineQuery.maximumDepth`).
    case limitExceeded(String)

    public var description: String {
        switch self {
        case let .unknownCollection(c): return "no collection '\(c)'"
        case let .collectionExists(c): return "collection '\(c)' already exists"
        case let .noSchema(c): return "collection '\(c)' has no engine schema (made by `trove import`?)"
        case let .tenantRequired(c): return "collection '\(c)' is tenant-scoped: every read and write needs a tenant"
        case let .tenantMismatch(id): return "document '\(id)' cannot be written for this tenant"
        case let .badQuery(why): return "bad query: \(why)"
        case let .limitExceeded(why): return "limit exceeded: \(why)"
        case .cursorExpired: return "the cursor has expired (score-ordered paging keeps its snapshot for \(SnapshotPins.lifetimeSeconds) s): run the query again"
        }
    }
}

/// How an `EngineQuery`'s text reads, named here so that callers of the engine need not
/// import the text layer.
public typealias TextSyntax = QuerySyntax

/// A filter on declared fields, applied during traversal.
public enum QueryFilter: Sendable, Equatable {
    /// A keyword field equals the value.
    case equals(field: String, value: String)
    /// A keyword field equals one of the values.
    case oneOf(field: String, values: [String])
    /// A numeric or timestamp field in `[from, to)` (either bound optional).
    case range(field: String, from: Int64?, to: Int64?)
    /// The field holds a value (for a text field: at least one indexed word).
    case exists(field: String)
}

/// The order of hits.
public enum SortOrder: Sendable, Equatable {
    /// Best score first (for a query with neither text nor vector: storage order).
    case score
    /// A numeric or timestamp field; documents without a value come last; ties by id.
    case field(String, descending: Bool)
}

/// One query: text, vector, or both (hybrid, fused by reciprocal rank), with filters.
public struct EngineQuery: Sendable {
    /// A query string (the text layer's language) over `textField` (default: the first
    /// declared text field).
    public var text: String?
    public var textField: String?
    /// How `text` reads: `match` (the default: any string, its words OR-ed) or the
    /// query-string language.
    public var syntax: QuerySyntax = .match
    /// A vector query over a declared vector field (default: the first one).
    public var vector: [Float]?
    public var vectorField: String?
    /// Search effort of the vector side: IVF lists probed, HNSW candidates kept (ef_search).
    /// nil uses the index's default (16 lists; the field's ef_search).
    public var nprobe: Int?
    public var efSearch: Int?
    /// Largest `nprobe` / `efSearch` a query may ask for.
    public static let maximumSearchEffort = 4096
    public var filters: [QueryFilter] = []
    public var limit = 10
    /// How deep any search reaches: `limit`, `fusionDepth`, and a score-ordered page's
    /// offset plus its limit (a cursor's offset is read from the caller, so it is bounded
    /// before anything is sized by it). Deeper paging sorts by a field instead.
    public static let maximumDepth = 10_000
    /// The longest query text, in UTF-8 bytes (a pasted page is about 3 KB). Longer
    /// query-string text is refused; longer `match` text is searched by its first
    /// `maximumTextBytes` (no input is an error there).
    public static let maximumTextBytes = 32_768

    /// The query as the text layer runs it (nil without text).
    func textQuery() throws -> TextQuery? {
        guard let text else { return nil }
        return try HybridSearch.parsing { try syntax.query(syntax == .match ? Self.prefix(text, bytes: Self.maximumTextBytes) : text) }
    }

    /// The longest prefix of `text` within `bytes` UTF-8 bytes that ends on a character.
    static func prefix(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var end = text.startIndex
        var used = 0
        for i in text.indices {
            let next = text.index(after: i)
            used += text.utf8.distance(from: i, to: next)
            if used > bytes { break }
            end = next
        }
        return String(text[..<end])
    }
    /// How hybrid hits are merged; `rrfK` and the weights apply to either method. The
    /// default, z-score normalised scores weighted 0.7 text / 0.3 vector, was chosen on the
    /// retrieval eval (docs/BENCHMARKS.md, issue 17): it keeps an exact lexical match on top
    /// where equal-weight RRF let the vector side's near-misses outvote it.
    public var fusion: Fusion = .linear(.zScore)
    /// Reciprocal-rank fusion: score = Σ weight / (rrfK + rank), rank from 1.
    public var rrfK = 60
    /// Each side's weight; nil takes the method's default (`Fusion.defaultWeights`).
    public var textWeight: Double?
    public var vectorWeight: Double?
    /// How many hits each side contributes to the fusion (at least `limit`); also how
    /// many nearest neighbours a vector query ranks before sorting or counting.
    public var fusionDepth = 100
    public var sort: SortOrder = .score
    /// The `cursor` of the previous page: the next page starts after its last hit.
    public var searchAfter: String?
    /// Return each hit's stored document.
    public var includeDocuments = false
    /// Return highlighted fragments of these text fields for each hit (needs `text`).
    public var snippetFields: [String] = []
    public var snippetOptions = SnippetOptions()

    public init(text: String? = nil, vector: [Float]? = nil, filters: [QueryFilter] = [], limit: Int = 10) {
        self.text = text
        self.vector = vector
        self.filters = filters
        self.limit = limit
    }
}

/// A hit: the document's id and its score (BM25, vector similarity, or fused RRF).
public struct EngineHit: Sendable, Equatable {
    public var id: String
    public var score: Double
    /// The sort field's value when sorting by a field (doubles as their bits mapped to
    /// order-preserving integers, as in the column).
    public var sortValue: Int64?
    public var document: Document?
    /// Field name → highlighted fragment.
    public var snippets: [String: String] = [:]

    public init(id: String, score: Double, sortValue: Int64? = nil) {
        self.id = id
        self.score = score
        self.sortValue = sortValue
    }
}

/// One page of hits and the cursor of the next (nil after the last page).
public struct SearchPage: Sendable {
    public var hits: [EngineHit]
    public var cursor: String?
}
