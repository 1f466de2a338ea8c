import TroveStorage

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

    public var description: String {
        switch self {
        case let .unknownCollection(c): return "no collection '\(c)'"
        case let .collectionExists(c): return "collection '\(c)' already exists"
        case let .noSchema(c): return "collection '\(c)' has no engine schema (made by `trove import`?)"
        case let .tenantRequired(c): return "collection '\(c)' is tenant-scoped: every read and write needs a tenant"
        case let .tenantMismatch(id): return "document '\(id)' cannot be written for this tenant"
        case let .badQuery(why): return "bad query: \(why)"
        }
    }
}

/// A filter on declared fields, applied during traversal.
public enum QueryFilter: Sendable, Equatable {
    /// A keyword field equals the value.
    case equals(field: String, value: String)
    /// A keyword field equals one of the values.
    case oneOf(field: String, values: [String])
    /// A numeric or timestamp field in `[from, to)` (either bound optional).
    case range(field: String, from: Int64?, to: Int64?)
}

/// One query: text, vector, or both (hybrid, fused by reciprocal rank), with filters.
public struct EngineQuery: Sendable {
    /// A query string (the text layer's language) over `textField` (default: the first
    /// declared text field).
    public var text: String?
    public var textField: String?
    /// A vector query over a declared vector field (default: the first one).
    public var vector: [Float]?
    public var vectorField: String?
    public var filters: [QueryFilter] = []
    public var limit = 10
    /// Reciprocal-rank fusion: score = Σ weight / (rrfK + rank), rank from 1.
    public var rrfK = 60
    public var textWeight: Double = 1
    public var vectorWeight: Double = 1
    /// How many hits each side contributes to the fusion (at least `limit`).
    public var fusionDepth = 100

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

    public init(id: String, score: Double) {
        self.id = id
        self.score = score
    }
}
