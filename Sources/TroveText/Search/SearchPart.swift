import TroveStorage

/// One thing a query scores: a segment or a chunk of unflushed documents, with what the
/// query needs of it — its indexes, which ordinals it must pass over (deleted, filtered
/// out, outside the range) and the sort column.
struct SearchPart {
    /// The numeric slots of the query's range and sort fields.
    struct Slots {
        let range: Int?
        let sort: Int?
    }

    let indexes: [TextSegmentIndex?]
    let basePosition: Int
    let accept: ((Int) -> Bool)?
    /// The ordinals the query's filter allows in a segment, when that filter is selective
    /// enough for scans to jump from one allowed ordinal to the next (a tenant's messages
    /// among everyone's); deletes and the range are still checked by `accept`.
    var sparseAllowed: RowSet?
    let sortColumn: NumericColumn?
    let sortWindows: ColumnWindows?

    /// `excluded` says which ordinals are deleted or filtered out; the range, when there
    /// is one, is checked on `rangeColumn` (no value: outside).
    init(indexes: [TextSegmentIndex?], basePosition: Int, excluded: ((Int) -> Bool)?, rangeColumn: NumericColumn?,
         range: (field: String, from: Int64?, to: Int64?)?, sortColumn: NumericColumn?, sortWindows: ColumnWindows?) {
        self.indexes = indexes
        self.basePosition = basePosition
        self.sortColumn = sortColumn
        self.sortWindows = sortWindows
        if let range {
            accept = { o in
                if excluded?(o) ?? false { return false }
                guard let v = rangeColumn?.value(o) else { return false }
                return (range.from.map { v >= $0 } ?? true) && (range.to.map { v < $0 } ?? true)
            }
        } else {
            accept = excluded.map { excluded in { o in !excluded(o) } }
        }
    }

    /// A chunk of unflushed entries: deletes from the snapshot, filters on the documents.
    init(_ chunk: MemoryChunk, entries: UnflushedEntries, slots: Slots, options: TextSearchOptions, basePosition: Int) {
        let start = chunk.start, deletes = entries.deletes, documents = entries.documents, filter = options.filter
        let excluded: ((Int) -> Bool)? = deletes.count == 0 && filter == nil ? nil : { o in
            deletes.contains(start + o) || !(filter?.document(documents[start + o]) ?? true)
        }
        self.init(indexes: chunk.indexes, basePosition: basePosition, excluded: excluded,
                  rangeColumn: slots.range.flatMap { chunk.columns[$0] }, range: options.range,
                  sortColumn: slots.sort.flatMap { chunk.columns[$0] }, sortWindows: slots.sort.flatMap { chunk.windows[$0] })
    }

    /// The order to score parts in: as they come, or sorted by a column, the part that can
    /// hold the best value first; parts without the sort column hold no hit and are left out.
    static func order(_ parts: [SearchPart], sortBy: (field: String, descending: Bool)?) -> [Int] {
        guard let sortBy else { return Array(parts.indices) }
        let keyed = parts.indices.compactMap { i -> (Int, Double)? in
            guard parts[i].sortColumn != nil, let best = parts[i].sortWindows?.bestKey(descending: sortBy.descending) else { return nil }
            return (i, best)
        }
        return keyed.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.map(\.0)
    }
}
