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
