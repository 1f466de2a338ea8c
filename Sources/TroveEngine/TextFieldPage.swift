import TroveText

/// One page of text matches ordered by a numeric field, without ordering every match: a
/// top-k by the column (which the text searcher answers by reading the windows of
/// ordinals that can hold the best values first), plus every match tied on the page's
/// last value, so ids order the ties exactly as `FieldSort` does and a (value, id) cursor
/// resumes where the page stopped. A newest-first search of a chat log reads a few
/// hundred postings instead of every message that holds the word.
struct TextFieldPage {
    let context: QueryContext
    let query: EngineQuery
    let field: String
    let descending: Bool

    /// The page after `cursor` and whether more follow; nil when this way does not apply
    /// (a range on another field; the last page, where matches without a value may
    /// follow; a cursor past them), and the caller orders every match instead.
    func page(after cursor: (value: Int64?, id: String)?, limit: Int) throws -> (hits: [EngineHit], more: Bool)? {
        guard limit > 0, context.textRange.map({ $0.field == field }) ?? true else { return nil }
        var out: [TextHit] = []
        var bound: (from: Int64?, to: Int64?) = (nil, nil)
        if let cursor {
            guard let value = cursor.value, value < Int64.max else { return nil }
            out = try tied(value).filter { $0.id > cursor.id }
            bound = descending ? (nil, value) : (value + 1, nil)
        }
        if out.count > limit { return (out.prefix(limit).map(hit), true) }
        let need = limit - out.count
        let top = try search(limit: need + 1, within: bound)
        // The last page: matches without a value (which come last) are only known to the
        // full ordering, which is cheap here — this query matches few documents.
        guard top.count > need, top.allSatisfy({ $0.sortValue != nil }) else { return nil }
        guard need > 0 else { return (out.map(hit), true) }
        guard let last = top[need - 1].sortValue, last < Int64.max else { return nil }
        if top[need].sortValue != last {
            // The first match past the page holds another value: every tie is on the page.
            out += ordered(Array(top.prefix(need)))
        } else {
            let better = top.filter { hit in hit.sortValue.map { descending ? $0 > last : $0 < last } ?? false }
            out += ordered(better) + (try tied(last))
        }
        return (out.prefix(limit).map(hit), true)
    }

    /// Every match whose value is exactly `value`, by id.
    private func tied(_ value: Int64) throws -> [TextHit] {
        try search(limit: Int.max, within: (value, value + 1)).sorted { $0.id < $1.id }
    }

    /// The best `limit` matches by the field, within `[from, to)` and the query's range.
    private func search(limit: Int, within bound: (from: Int64?, to: Int64?)) throws -> [TextHit] {
        var options = try context.textOptions(limit: limit, field: query.textField)
        options.sortBy = (field, descending)
        let from = [options.range?.from, bound.from].compactMap { $0 }.max()
        let to = [options.range?.to, bound.to].compactMap { $0 }.min()
        options.range = from == nil && to == nil ? nil : (field, from, to)
        return try HybridSearch.parsing {
            try context.searchers.text.search(context.snapshot, collection: context.collection, query: context.textQuery ?? .match("", field: nil, boost: 1), options: options)
        }
    }

    /// Hits in the page's order: by value, ties by id.
    private func ordered(_ hits: [TextHit]) -> [TextHit] {
        hits.sorted { a, b in
            let (x, y) = (a.sortValue ?? 0, b.sortValue ?? 0)
            return x == y ? a.id < b.id : (descending ? x > y : x < y)
        }
    }

    private func hit(_ h: TextHit) -> EngineHit { EngineHit(id: h.id, score: Double(h.score), sortValue: h.sortValue) }
}
