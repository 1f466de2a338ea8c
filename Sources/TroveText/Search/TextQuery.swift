import TroveStorage

/// A structured full-text query. Terms are given as the user typed them and analysed
/// with the field's analyser when the query runs.
public indirect enum TextQuery: Sendable, Equatable {
    /// One word (may analyse to nothing: a stopword).
    case term(String, field: String?, boost: Float)
    /// Words that must appear next to each other, in order.
    case phrase([String], field: String?, boost: Float)
    /// Every indexed term starting with the (analysed, unstemmed) prefix.
    case prefix(String, field: String?, boost: Float)
    /// Any text, as a person typed or pasted it: analysed into terms OR-ed under BM25, as
    /// Elasticsearch's `match` query does. A word that analyses into several tokens adds
    /// each as a term (no phrase), and a term that occurs n times weighs n times.
    case match(String, field: String?, boost: Float)
    /// Documents matching every `must`, none of `mustNot`, and (without `must`) at least
    /// one `should`; scored by the sum of matching `must` and `should` clauses.
    case boolean(must: [TextQuery], should: [TextQuery], mustNot: [TextQuery])

    public static func term(_ word: String) -> TextQuery { .term(word, field: nil, boost: 1) }
}

/// Options of a text search.
public struct TextSearchOptions: Sendable {
    public var limit = 10
    /// Numeric or timestamp range `[from, to)` on a column field, applied during traversal.
    public var range: (field: String, from: Int64?, to: Int64?)?
    /// Sort by a numeric field (descending when `descending`) instead of score.
    public var sortBy: (field: String, descending: Bool)?
    /// Documents allowed (keyword and tenant filters), applied during traversal.
    public var filter: DocumentFilter?
    /// The field of clauses that name none, instead of the searcher's default field.
    public var defaultField: String?

    public init(limit: Int = 10) { self.limit = limit }
}

/// A document hit of a text search.
public struct TextHit: Sendable, Equatable {
    public let id: String
    public let score: Float
    /// The sort field's value when sorting by a field.
    public let sortValue: Int64?
}

/// A document matching a text query, located in the snapshot it was searched on.
public struct TextMatch: Sendable {
    /// Where it lives (an unflushed one: its index among the searched unflushed documents).
    public let address: RowAddress
    /// The document itself when it is unflushed.
    public let document: Document?
    public let score: Float
}
