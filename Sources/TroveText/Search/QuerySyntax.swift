/// How a person's text becomes a `TextQuery`.
public enum QuerySyntax: String, Sendable, CaseIterable {
    /// Any string: analysed into terms OR-ed under BM25 (`TextQuery.match`). No input is
    /// an error; text with no indexable word matches nothing. The default wherever text
    /// typed or pasted by a person arrives.
    case match
    /// The query-string language of `QueryParser` (`"phrases"`, `+must`, `-not`, `field:`,
    /// `prefix*`, `^boost`), with errors that name the character. Opt-in.
    case queryString = "query_string"

    /// `text` as a query in this syntax.
    public func query(_ text: String) throws(QueryParser.ParseError) -> TextQuery {
        switch self {
        case .match: return .match(text, field: nil, boost: 1)
        case .queryString: return try QueryParser.parse(text)
        }
    }
}
