import TroveStorage
import TroveText

/// Turns an engine query's filters into one `DocumentFilter`: per segment, the rows
/// from the keyword postings and numeric columns, intersected; per unflushed document,
/// the same test on its values.
enum QueryFilters {
    static func documentFilter(_ filters: [QueryFilter], schema: CollectionSchema, text: TextSearcher) throws -> DocumentFilter? {
        guard !filters.isEmpty else { return nil }
        var checked: [(QueryFilter, isDouble: Bool)] = []
        for f in filters {
            switch f {
            case let .equals(field, _), let .oneOf(field, _):
                guard schema.field(field)?.type == .keyword else { throw EngineError.badQuery("'\(field)' is not a keyword field") }
                checked.append((f, false))
            case let .range(field, _, _):
                switch schema.field(field)?.type {
                case .int?, .timestamp?: checked.append((f, false))
                case .double?: checked.append((f, true))
                default: throw EngineError.badQuery("'\(field)' is not a numeric or timestamp field")
                }
            }
        }
        let all = checked
        return DocumentFilter(segment: { reader in
            var rows: RowSet?
            for (f, isDouble) in all {
                let r = try segmentRows(f, isDouble: isDouble, reader: reader, text: text)
                if rows == nil { rows = r } else { rows?.intersect(r) }
            }
            return rows
        }, document: { doc in all.allSatisfy { matches(doc, $0.0) } })
    }

    private static func segmentRows(_ f: QueryFilter, isDouble: Bool, reader: SegmentReader, text: TextSearcher) throws -> RowSet {
        switch f {
        case let .equals(field, value): return try text.rows(field: field, terms: [value], in: reader)
        case let .oneOf(field, values): return try text.rows(field: field, terms: values, in: reader)
        case let .range(field, from, to):
            // Doubles are stored as order-preserving integers: map the bounds the same way.
            let map = { (v: Int64?) in isDouble ? v.map { NumericColumn.sortable(Double($0)) } : v }
            return try text.rows(field: field, from: map(from), to: map(to), in: reader)
        }
    }

    static func matches(_ doc: Document, _ f: QueryFilter) -> Bool {
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
        }
    }
}
