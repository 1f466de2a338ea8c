import TroveStorage

/// What queries read from one segment besides postings: its opened text indexes, the
/// numeric and keyword columns, and the rows a filter allows. Text search, sorting,
/// aggregation and the engine's filters (which vector search applies inside its scan)
/// all read through here. Everything is kept in the segment's memo, so it is made once
/// per segment and freed with it.
public struct SegmentColumns: Sendable {
    /// The collection's text schema, slotted (field positions as the segment stores them).
    public let schema: TextSchema
    public let segment: SegmentView
    var reader: SegmentReader { segment.reader }
    var memo: SegmentMemo { segment.memo }

    public init(schema: TextSchema, segment: SegmentView) {
        self.schema = schema
        self.segment = segment
    }

    /// Every text field's index in this segment (nil where the segment predates the field).
    func indexes() throws -> [TextSegmentIndex?] {
        try memo.value(.init(TextIndexes.self, slot: schema.text.count)) {
            try schema.text.indices.map { try TextSegmentIndex.open(reader, slot: $0) }
        }
    }

    func numericSlot(_ field: String) throws -> Int { try schema.numericSlot(field) }

    private func textSlot(_ field: String) throws -> Int {
        guard let slot = schema.text.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
        return slot
    }

    /// The column of a numeric or timestamp field, or nil when the segment was written
    /// before the field existed.
    public func column(field: String) throws -> NumericColumn? {
        try column(slot: try numericSlot(field))
    }

    func column(slot: Int) throws -> NumericColumn? {
        try memo.value(.init(NumericColumnMemo.self, slot: slot)) {
            try reader.section(TextSections.tag("NC", slot)).map { try NumericColumn(section: $0, owner: reader) }
        }
    }

    /// The windows of a numeric column (for searches sorted by it).
    func windows(slot: Int) throws -> ColumnWindows? {
        try memo.value(.init(ColumnWindowsMemo.self, slot: slot)) {
            try column(slot: slot).map { ColumnWindows($0, docCount: reader.docCount) }
        }
    }

    /// The keyword column of `field` (value per row, for grouping and sorting by it).
    public func keywordColumn(field: String) throws -> KeywordColumn {
        let slot = try textSlot(field)
        return try memo.value(.init(KeywordColumnMemo.self, slot: slot)) {
            try KeywordColumn.build(try indexes()[slot], docCount: reader.docCount)
        }
    }

    /// The rows whose field `field` holds any of `terms` (as analysed by the field's
    /// analyser: for a keyword field, the exact values): the rows of a keyword filter.
    /// Deleted documents are not removed here. One term's rows (a tenant's) are kept:
    /// every query of that tenant asks for them.
    public func rows(field: String, terms: [String]) throws -> RowSet {
        let slot = try textSlot(field)
        guard terms.count == 1 else { return try postingRows(slot: slot, terms: terms) }
        return try memo.boundedValue(.init(KeywordRowsMemo.self, slot: slot, term: terms[0])) { try postingRows(slot: slot, terms: terms) }
    }

    private func postingRows(slot: Int, terms: [String]) throws -> RowSet {
        var rows = RowSet(capacity: reader.docCount)
        guard let index = try indexes()[slot] else { return rows }
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        for term in terms {
            for analysed in schema.text[slot].analyzer.terms(term) {
                guard let info = try index.dictionary.lookup(Array(analysed.utf8)) else { continue }
                var cursor = try index.cursor(info, arena: arena)
                try cursor.next()
                try cursor.forEach(through: Int.max - 1) { doc, _ in rows.insert(doc) }
            }
        }
        return rows
    }

    /// The rows whose numeric or timestamp field lies in `[from, to)`: the rows of a
    /// range filter.
    public func rows(field: String, from: Int64?, to: Int64?) throws -> RowSet {
        var rows = RowSet(capacity: reader.docCount)
        guard let column = try column(field: field) else { return rows }
        for o in 0..<reader.docCount {
            if let v = column.value(o), from.map({ v >= $0 }) ?? true, to.map({ v < $0 }) ?? true { rows.insert(o) }
        }
        return rows
    }

    /// The rows where `field` holds a value: for a text or keyword field, at least one
    /// indexed term (its norm is not zero); for a numeric field, a value in the column.
    /// The rows of an `exists` filter.
    public func rowsWithField(_ field: String) throws -> RowSet {
        var rows = RowSet(capacity: reader.docCount)
        if let slot = schema.text.firstIndex(where: { $0.field == field }) {
            guard let index = try indexes()[slot] else { return rows }
            for o in 0..<min(reader.docCount, index.norms.count) where index.norms[o] != 0 { rows.insert(o) }
            return rows
        }
        guard let column = try column(field: field) else { return rows }
        for o in 0..<reader.docCount where column.value(o) != nil { rows.insert(o) }
        return rows
    }
}

extension TextSearcher {
    /// The columns of `segment` as this collection's schema names them.
    public func columns(_ segment: SegmentView) -> SegmentColumns {
        SegmentColumns(schema: schema, segment: segment)
    }

    func numericSlot(_ field: String) throws -> Int { try schema.numericSlot(field) }
}

extension TextSchema {
    /// The position of numeric or timestamp field `field` among the numeric fields.
    func numericSlot(_ field: String) throws -> Int {
        guard let i = numeric.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
        return i
    }
}

// The kinds of this file's values in a segment's memo (`TextIndexes` keyed by the number
// of text fields: a schema that gained one opens them again).
private enum TextIndexes {}
private enum NumericColumnMemo {}
private enum ColumnWindowsMemo {}
private enum KeywordColumnMemo {}
private enum KeywordRowsMemo {}
