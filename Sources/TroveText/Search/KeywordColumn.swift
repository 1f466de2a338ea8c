import TroveStorage

/// A keyword field of one segment turned around, from term → documents to document →
/// term: what grouping by a keyword needs. Built once per segment from the field's
/// postings (segments never change) and cached by the searcher.
public struct KeywordColumn: Sendable {
    /// The field's distinct values, sorted.
    public let values: [String]
    /// Per ordinal, the index into `values`, or -1 when the document has none.
    public let ordinals: [Int32]

    /// The value of document `ordinal`, or nil.
    @inline(__always)
    public func value(_ ordinal: Int) -> String? {
        guard ordinal < ordinals.count else { return nil }
        let i = ordinals[ordinal]
        return i < 0 ? nil : values[Int(i)]
    }

    static func build(_ index: TextSegmentIndex?, docCount: Int) throws -> KeywordColumn {
        var values: [String] = []
        var ordinals = [Int32](repeating: -1, count: docCount)
        guard let index else { return KeywordColumn(values: values, ordinals: ordinals) }
        let arena = QueryArena()
        try withExtendedLifetime(arena) {
            try index.dictionary.scan(from: 0) { term, info in
                let n = Int32(values.count)
                values.append(String(decoding: term, as: UTF8.self))
                var cursor = try index.cursor(info, arena: arena)
                try cursor.next()
                try cursor.forEach(through: Int.max - 1) { doc, _ in if doc < docCount { ordinals[doc] = n } }
                return true
            }
        }
        return KeywordColumn(values: values, ordinals: ordinals)
    }
}

extension TextSearcher {
    /// The keyword column of `field` in `reader` (cached per segment).
    public func keywordColumn(field: String, in reader: SegmentReader) throws -> KeywordColumn {
        guard let slot = schema.text.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
        let key = SegmentSlot(segment: reader.number, slot: slot)
        if let hit = keywordColumns.withLock({ $0[key] }) { return hit }
        let built = try KeywordColumn.build(try indexes(for: reader)[slot], docCount: reader.docCount)
        keywordColumns.withLock { $0[key] = built }
        return built
    }
}

struct SegmentSlot: Hashable, Sendable {
    let segment: UInt64
    let slot: Int
}

extension TextSearcher {
    /// The ordinals of `reader` where `field` holds a value: for a text or keyword field,
    /// at least one indexed term (its norm is not zero); for a numeric field, a value in
    /// the column. The rows of an `exists` filter.
    public func rowsWithField(_ field: String, in reader: SegmentReader) throws -> RowSet {
        var rows = RowSet(capacity: reader.docCount)
        if let slot = schema.text.firstIndex(where: { $0.field == field }) {
            guard let index = try indexes(for: reader)[slot] else { return rows }
            for o in 0..<min(reader.docCount, index.norms.count) where index.norms[o] != 0 { rows.insert(o) }
            return rows
        }
        guard let column = try column(field: field, in: reader) else { return rows }
        for o in 0..<reader.docCount where column.value(o) != nil { rows.insert(o) }
        return rows
    }
}
