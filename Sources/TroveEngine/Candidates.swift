import TroveStorage
import TroveText

/// Every document a query matched on one snapshot (not just a top k): what sorting by a
/// field, counting and aggregating work on. Segment rows are kept as (segment, ordinal)
/// and read through columns; unflushed documents are kept whole.
struct Candidates {
    struct Item {
        /// Index into `segments`, or -1 for `documents[ordinal]`.
        var segment: Int32
        var ordinal: Int32
        var score: Double
    }

    let segments: [(reader: SegmentReader, deletes: DeleteSet)]
    var items: [Item] = []
    var documents: [Document] = []

    init(segments: [(reader: SegmentReader, deletes: DeleteSet)]) { self.segments = segments }

    /// Every live document the filter allows, in storage order (score 0).
    static func all(_ snapshot: Snapshot, collection: String, filter: DocumentFilter?) throws -> Candidates {
        var c = Candidates(segments: try snapshot.segments(of: collection))
        for (s, segment) in c.segments.enumerated() {
            var rows = try filter?.segment(segment.reader) ?? RowSet.all(segment.reader.docCount)
            rows.subtract(bitmap: segment.deletes.words)
            c.items.reserveCapacity(c.items.count + rows.count)
            for o in rows.members { c.items.append(Item(segment: Int32(s), ordinal: Int32(o), score: 0)) }
        }
        try snapshot.forEachUnflushed(in: collection, hint: filter?.hint) { doc in
            if filter?.document(doc) ?? true { c.append(doc, score: 0) }
            return true
        }
        return c
    }

    /// The matches of a text query, best first.
    static func text(_ matches: [TextMatch], segments: [(reader: SegmentReader, deletes: DeleteSet)]) -> Candidates {
        var c = Candidates(segments: segments)
        c.items.reserveCapacity(matches.count)
        for m in matches {
            if let s = m.segment {
                c.items.append(Item(segment: Int32(s), ordinal: Int32(m.ordinal), score: Double(m.score)))
            } else if let d = m.document {
                c.append(d, score: Double(m.score))
            }
        }
        return c
    }

    /// Ranked hits known by id (vector and hybrid queries), read from the snapshot.
    static func hits(_ hits: [EngineHit], snapshot: Snapshot, collection: String) throws -> Candidates {
        var c = Candidates(segments: [])
        for h in hits {
            if let d = try snapshot.get(h.id, in: collection) { c.append(d, score: h.score) }
        }
        return c
    }

    private mutating func append(_ doc: Document, score: Double) {
        items.append(Item(segment: -1, ordinal: Int32(documents.count), score: score))
        documents.append(doc)
    }

    func id(_ item: Item) throws -> String {
        item.segment < 0 ? documents[Int(item.ordinal)].id : try segments[Int(item.segment)].reader.id(at: Int(item.ordinal))
    }

    /// The numeric or timestamp values of `field`, as stored in columns (doubles through
    /// `NumericColumn.sortable`).
    func numbers(_ field: String, text: TextSearcher) throws -> NumberReader {
        NumberReader(field: field, doubles: text.schema.numeric.first { $0.field == field }?.doubles ?? false,
                     columns: try segments.map { try text.column(field: field, in: $0.reader) }, documents: documents)
    }

    func keywords(_ field: String, text: TextSearcher) throws -> KeywordReader {
        KeywordReader(field: field, columns: try segments.map { try text.keywordColumn(field: field, in: $0.reader) }, documents: documents)
    }
}

/// Reads one numeric field of candidates, from columns or unflushed documents.
struct NumberReader {
    let field: String
    let doubles: Bool
    let columns: [NumericColumn?]
    let documents: [Document]

    /// The column value (order-preserving for doubles).
    func sortable(_ item: Candidates.Item) -> Int64? {
        guard item.segment >= 0 else { return NumericFieldSpec.columnValue(documents[Int(item.ordinal)][field], doubles: doubles)?.0 }
        return columns[Int(item.segment)]?.value(Int(item.ordinal))
    }

    /// The value as a number (for sums and averages).
    func number(_ item: Candidates.Item) -> Double? {
        guard item.segment >= 0 else {
            switch documents[Int(item.ordinal)][field] {
            case let .int(i)?, let .timestamp(i)?: return Double(i)
            case let .double(d)?: return d
            default: return nil
            }
        }
        guard let column = columns[Int(item.segment)], let v = column.value(Int(item.ordinal)) else { return nil }
        return column.holdsDoubles ? NumericColumn.double(fromSortable: v) : Double(v)
    }
}

/// Reads one keyword field of candidates.
struct KeywordReader {
    let field: String
    let columns: [KeywordColumn]
    let documents: [Document]

    func value(_ item: Candidates.Item) -> String? {
        guard item.segment >= 0 else {
            if case let .string(s)? = documents[Int(item.ordinal)][field] { return s }
            return nil
        }
        return columns[Int(item.segment)].value(Int(item.ordinal))
    }
}
