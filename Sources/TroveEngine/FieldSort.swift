/// One page of candidates ordered by a numeric field: ascending or descending, documents
/// without a value last, ties by id — a total order, so a (value, id) cursor resumes
/// exactly where the previous page stopped, on any later snapshot.
struct FieldSort {
    /// Comparable position in the order: smaller comes first.
    struct Key: Comparable {
        let missing: Bool
        let rank: Int64

        init(_ value: Int64?, descending: Bool) {
            missing = value == nil
            // Bitwise not reverses Int64 order without overflow.
            rank = value.map { descending ? ~$0 : $0 } ?? 0
        }

        static func < (a: Key, b: Key) -> Bool { (a.missing ? 1 : 0, a.rank) < (b.missing ? 1 : 0, b.rank) }
    }

    struct Hit {
        let item: Candidates.Item
        let value: Int64?
        let id: String
    }

    let descending: Bool

    /// The first `limit` candidates after `cursor` (value, id), and whether more follow.
    func page(_ candidates: Candidates, values: NumberReader, after cursor: (value: Int64?, id: String)?, limit: Int) throws -> (hits: [Hit], more: Bool) {
        let cursorKey = cursor.map { Key($0.value, descending: descending) }
        var keyed: [(key: Key, index: Int)] = []
        keyed.reserveCapacity(candidates.items.count)
        for (i, item) in candidates.items.enumerated() {
            let key = Key(values.sortable(item), descending: descending)
            if let cursorKey, let cursor {
                if key < cursorKey { continue }
                // Same value as the cursor: only ids after it (ids are read only here).
                if key == cursorKey, try candidates.id(item) <= cursor.id { continue }
            }
            keyed.append((key, i))
        }
        keyed.sort { $0.key < $1.key }
        guard limit > 0, !keyed.isEmpty else { return ([], !keyed.isEmpty) }
        // Everything up to the limit, plus the ties of the last key: ids decide among them.
        var end = min(limit, keyed.count)
        while end < keyed.count, keyed[end].key == keyed[end - 1].key { end += 1 }
        var hits = try keyed[0..<end].map { k in
            let item = candidates.items[k.index]
            return (key: k.key, hit: Hit(item: item, value: values.sortable(item), id: try candidates.id(item)))
        }
        hits.sort { $0.key < $1.key || ($0.key == $1.key && $0.hit.id < $1.hit.id) }
        return (hits.prefix(limit).map(\.hit), keyed.count > limit)
    }
}
