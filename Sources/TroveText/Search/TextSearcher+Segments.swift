import TroveStorage

/// What a searcher reads from segments, cached per segment (segments never change; the
/// caches drop a segment once a query no longer sees it).
extension TextSearcher {
    static let keywordRowsCacheLimit = 1024

    /// The ordinals of `reader` whose field `field` holds any of `terms` (as analysed by
    /// the field's analyser: for a keyword field, the exact values): the rows of a keyword
    /// filter. Deleted documents are not removed here. One term's rows (a tenant's) are
    /// cached: every query of that tenant asks for them.
    public func rows(field: String, terms: [String], in reader: SegmentReader) throws -> RowSet {
        guard let slot = schema.text.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
        let key = terms.count == 1 ? KeywordRowsKey(segment: reader.number, slot: slot, term: terms[0]) : nil
        if let key, let hit = keywordRows.withLock({ $0[key] }) { return hit }
        var rows = RowSet(capacity: reader.docCount)
        guard let index = try indexes(for: reader)[slot] else { return rows }
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
        if let key {
            keywordRows.withLock { c in
                if c.count >= Self.keywordRowsCacheLimit { c.removeAll(keepingCapacity: true) }
                c[key] = rows
            }
        }
        return rows
    }

    /// The ordinals of `reader` whose numeric or timestamp field lies in `[from, to)`:
    /// the rows of a range filter.
    public func rows(field: String, from: Int64?, to: Int64?, in reader: SegmentReader) throws -> RowSet {
        let slot = try numericSlot(field)
        var rows = RowSet(capacity: reader.docCount)
        guard let column = try column(slot: slot, in: reader) else { return rows }
        for o in 0..<reader.docCount {
            if let v = column.value(o), from.map({ v >= $0 }) ?? true, to.map({ v < $0 }) ?? true { rows.insert(o) }
        }
        return rows
    }

    /// The column of a numeric or timestamp field in `reader`, or nil when the segment
    /// was written before the field existed.
    public func column(field: String, in reader: SegmentReader) throws -> NumericColumn? {
        try column(slot: try numericSlot(field), in: reader)
    }

    func column(slot: Int, in reader: SegmentReader) throws -> NumericColumn? {
        let key = SegmentSlot(segment: reader.number, slot: slot)
        if let hit = columns.withLock({ $0[key] }) { return hit }
        let column = try reader.section(TextSections.tag("NC", slot)).map { try NumericColumn(section: $0, owner: reader) }
        columns.withLock { $0[key] = column }
        return column
    }

    /// The windows of a numeric column (for searches sorted by it).
    func windows(slot: Int, in reader: SegmentReader) throws -> ColumnWindows? {
        let key = SegmentSlot(segment: reader.number, slot: slot)
        if let hit = columnWindows.withLock({ $0[key] }) { return hit }
        let windows = try column(slot: slot, in: reader).map { ColumnWindows($0, docCount: reader.docCount) }
        columnWindows.withLock { $0[key] = windows }
        return windows
    }

    func numericSlot(_ field: String) throws -> Int {
        guard let i = schema.numeric.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
        return i
    }

    func indexes(for reader: SegmentReader) throws -> [TextSegmentIndex?] {
        if let hit = cache.withLock({ $0[reader.number] }) { return hit }
        let opened = try schema.text.indices.map { try TextSegmentIndex.open(reader, slot: $0) }
        cache.withLock { $0[reader.number] = opened }
        return opened
    }

    func retainOnly(_ numbers: [UInt64]) {
        let live = Set(numbers)
        cache.withLock { c in for key in c.keys where !live.contains(key) { c[key] = nil } }
        keywordColumns.withLock { c in for key in c.keys where !live.contains(key.segment) { c[key] = nil } }
        columns.withLock { c in for key in c.keys where !live.contains(key.segment) { c[key] = nil } }
        columnWindows.withLock { c in for key in c.keys where !live.contains(key.segment) { c[key] = nil } }
        keywordRows.withLock { c in for key in c.keys where !live.contains(key.segment) { c[key] = nil } }
    }
}

struct KeywordRowsKey: Hashable, Sendable {
    let segment: UInt64
    let slot: Int
    let term: String
}
