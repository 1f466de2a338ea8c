import TroveStorage
import TroveText

/// Every document a query matched on one snapshot (not just a top k): what sorting by a
/// field, counting and aggregating work on. Segment rows are kept as (segment, ordinal)
/// and read through columns; unflushed documents are kept whole.
struct Candidates {
    /// One match: its `RowAddress` packed in 8 bytes (a match set can hold every row of
    /// a collection), the unflushed ones indexing `documents`.
    struct Item {
        /// Index into `segments`, or -1 for `documents[ordinal]`.
        private var segment: Int32
        private var ordinal: Int32
        var score: Double

        init(_ address: RowAddress, score: Double) {
            switch address {
            case let .segment(s, o): (segment, ordinal) = (Int32(s), Int32(o))
            case let .unflushed(i): (segment, ordinal) = (-1, Int32(i))
            }
            self.score = score
        }

        var address: RowAddress { segment < 0 ? .unflushed(Int(ordinal)) : .segment(Int(segment), ordinal: Int(ordinal)) }
    }

    let segments: [SegmentView]
    var items: [Item] = []
    var documents: [Document] = []

    init(segments: [SegmentView]) { self.segments = segments }

    /// Every live document the filter allows, in storage order (score 0).
    static func all(_ snapshot: Snapshot, collection: String, filter: DocumentFilter?) throws -> Candidates {
        var c = Candidates(segments: try snapshot.segments(of: collection))
        for (s, segment) in c.segments.enumerated() {
            var rows = try filter?.segment(segment) ?? RowSet.all(segment.reader.docCount)
            rows.subtract(bitmap: segment.deletes.words)
            c.items.reserveCapacity(c.items.count + rows.count)
            for o in rows.members { c.items.append(Item(.segment(s, ordinal: o), score: 0)) }
        }
        try snapshot.forEachUnflushed(in: collection, hint: filter?.hint) { doc in
            if filter?.document(doc) ?? true { c.append(doc, score: 0) }
            return true
        }
        return c
    }

    /// The matches of a text query, best first.
    static func text(_ matches: [TextMatch], segments: [SegmentView]) -> Candidates {
        var c = Candidates(segments: segments)
        c.items.reserveCapacity(matches.count)
        for m in matches {
            switch m.address {
            case .segment: c.items.append(Item(m.address, score: Double(m.score)))
            case .unflushed: if let d = m.document { c.append(d, score: Double(m.score)) }
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
        items.append(Item(.unflushed(documents.count), score: score))
        documents.append(doc)
    }

    func id(_ item: Item) throws -> String {
        switch item.address {
        case let .segment(s, o): return try segments[s].reader.id(at: o)
        case let .unflushed(i): return documents[i].id
        }
    }

    /// The numeric or timestamp values of `field`, as stored in columns (doubles through
    /// `NumericColumn.sortable`).
    func numbers(_ field: String, text: TextSearcher) throws -> NumberReader {
        NumberReader(field: field, doubles: text.schema.numeric.first { $0.field == field }?.doubles ?? false,
                     columns: try segments.map { try text.columns($0).column(field: field) }, documents: documents)
    }

    func keywords(_ field: String, text: TextSearcher) throws -> KeywordReader {
        KeywordReader(field: field, columns: try segments.map { try text.columns($0).keywordColumn(field: field) }, documents: documents)
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
        switch item.address {
        case let .segment(s, o): return columns[s]?.value(o)
        case let .unflushed(i): return NumericFieldSpec.columnValue(documents[i][field], doubles: doubles)?.0
        }
    }

    /// The value as a number (for sums and averages).
    func number(_ item: Candidates.Item) -> Double? {
        switch item.address {
        case let .segment(s, o):
            guard let column = columns[s], let v = column.value(o) else { return nil }
            return column.holdsDoubles ? NumericColumn.double(fromSortable: v) : Double(v)
        case let .unflushed(i):
            switch documents[i][field] {
            case let .int(v)?, let .timestamp(v)?: return Double(v)
            case let .double(d)?: return d
            default: return nil
            }
        }
    }
}

/// Reads one keyword field of candidates.
struct KeywordReader {
    let field: String
    let columns: [KeywordColumn]
    let documents: [Document]

    func value(_ item: Candidates.Item) -> String? {
        switch item.address {
        case let .segment(s, o): return columns[s].value(o)
        case let .unflushed(i):
            if case let .string(v)? = documents[i][field] { return v }
            return nil
        }
    }
}
