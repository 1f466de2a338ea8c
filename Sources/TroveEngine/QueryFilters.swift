import TroveStorage
import TroveText

/// Turns an engine query's filters into one `DocumentFilter`: per segment, the rows
/// from the keyword postings, numeric columns, norms and vector row ids, intersected;
/// per unflushed document, the same test on its values.
enum QueryFilters {
    enum Kind { case keyword, integer, double, text(Analyzer), vector }

    static func documentFilter(_ filters: [QueryFilter], schema: CollectionSchema, searchers: CollectionSearchers) throws -> DocumentFilter? {
        guard !filters.isEmpty else { return nil }
        let checked = try filters.map { f in (f, try kind(of: f, schema: schema)) }
        return DocumentFilter(segment: { segment in
            var rows: RowSet?
            for (f, kind) in checked {
                let r = try segmentRows(f, kind: kind, segment: segment, searchers: searchers)
                if rows == nil { rows = r } else { rows?.intersect(r) }
            }
            return rows
        }, document: { doc in checked.allSatisfy { matches(doc, $0.0, kind: $0.1) } }, hint: hint(filters))
    }

    /// The keyword constraint that lets unflushed documents be found through the
    /// memtable's index: the last `equals` (the tenant, which the engine appends last),
    /// else the first `oneOf`.
    private static func hint(_ filters: [QueryFilter]) -> DocumentFilter.Hint? {
        for f in filters.reversed() { if case let .equals(field, value) = f { return DocumentFilter.Hint(field: field, values: [value]) } }
        for f in filters { if case let .oneOf(field, values) = f { return DocumentFilter.Hint(field: field, values: values) } }
        return nil
    }

    private static func kind(of f: QueryFilter, schema: CollectionSchema) throws -> Kind {
        switch f {
        case let .equals(field, _), let .oneOf(field, _):
            guard schema.field(field)?.type == .keyword else { throw EngineError.badQuery("'\(field)' is not a keyword field") }
            return .keyword
        case let .range(field, _, _):
            switch schema.field(field)?.type {
            case .int?, .timestamp?: return .integer
            case .double?: return .double
            default: throw EngineError.badQuery("'\(field)' is not a numeric or timestamp field")
            }
        case let .exists(field):
            switch schema.field(field)?.type {
            // An empty string indexes no term: "exists" then says no on both sides of a flush.
            case .keyword?: return .text(.keyword)
            case .int?, .timestamp?: return .integer
            case .double?: return .double
            case let .text(analyzer, _)?: return .text(analyzer)
            case .vector?: return .vector
            case nil: throw EngineError.badQuery("'\(field)' is not a declared field")
            }
        }
    }

    private static func segmentRows(_ f: QueryFilter, kind: Kind, segment: SegmentView, searchers: CollectionSearchers) throws -> RowSet {
        let columns = searchers.text.columns(segment)
        switch f {
        case let .equals(field, value): return try columns.rows(field: field, terms: [value])
        case let .oneOf(field, values): return try columns.rows(field: field, terms: values)
        case let .range(field, from, to):
            // Doubles are stored as order-preserving integers: map the bounds the same way.
            let map = { (v: Int64?) in if case .double = kind { return v.map { NumericColumn.sortable(Double($0)) } }; return v }
            return try columns.rows(field: field, from: map(from), to: map(to))
        case let .exists(field):
            if case .vector = kind, let v = searchers.vectors[field] { return try v.rowsWithVector(in: segment.reader) }
            return try columns.rowsWithField(field)
        }
    }

    static func matches(_ doc: Document, _ f: QueryFilter, kind: Kind) -> Bool {
        switch f {
        case let .equals(field, value): return doc[field] == .string(value)
        case let .oneOf(field, values):
            guard case let .string(s)? = doc[field] else { return false }
            return values.contains(s)
        case let .range(field, from, to):
            let inside = { (v: Int64) in (from.map { v >= $0 } ?? true) && (to.map { v < $0 } ?? true) }
            switch doc[field] {
            case let .int(i)?, let .timestamp(i)?: return inside(i)
            case let .double(d)?: return (from.map { d >= Double($0) } ?? true) && (to.map { d < Double($0) } ?? true)
            default: return false
            }
        case let .exists(field):
            guard let v = doc[field], v != .null else { return false }
            // A text field counts as present when it indexes at least one word, as in segments.
            if case let .text(analyzer) = kind {
                switch v {
                case let .string(s): return !analyzer.terms(s).isEmpty
                default: return true
                }
            }
            return true
        }
    }
}
