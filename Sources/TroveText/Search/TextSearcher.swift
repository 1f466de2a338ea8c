import Synchronization
import TroveStorage

/// Why a text search was refused.
public enum TextSearchError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownField(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .unknownField(f): return "no text or numeric field '\(f)' in this collection's schema"
        case let .unsupported(why): return why
        }
    }
}

/// Searches a collection's text fields over a snapshot: BM25 with statistics from every
/// live segment and the unflushed documents; MaxScore pruning for disjunctions of terms
/// (exactly the exhaustive result); boolean, phrase and prefix clauses; a numeric range
/// applied during traversal; sorting by a numeric field.
public final class TextSearcher: Sendable {
    public let schema: TextSchema
    public let defaultField: String
    private let cache = Mutex<[UInt64: [TextSegmentIndex?]]>([:])
    let keywordColumns = Mutex<[KeywordColumnKey: KeywordColumn]>([:])

    public init(schema: TextSchema, defaultField: String) {
        self.schema = schema
        self.defaultField = defaultField
    }

    /// Parses `queryString` and searches.
    public func search(_ snapshot: Snapshot, collection: String, queryString: String, options: TextSearchOptions = TextSearchOptions()) throws -> [TextHit] {
        try search(snapshot, collection: collection, query: try QueryParser.parse(queryString), options: options)
    }

    public func search(_ snapshot: Snapshot, collection: String, query: TextQuery, options: TextSearchOptions = TextSearchOptions(), exhaustive: Bool = false) throws -> [TextHit] {
        let run = try collect(snapshot, collection: collection, query: query, options: options, exhaustive: exhaustive)
        return try run.top.sorted().map { e in
            let m = run.locate(e)
            let id = try m.document?.id ?? run.segments[m.segment ?? 0].reader.id(at: m.ordinal)
            return TextHit(id: id, score: e.score, sortValue: e.sortValue)
        }
    }

    /// Every document matching `query` (no top-k cut), best first: where each lives and
    /// its score. For counts, aggregations and sorts over a whole match set.
    public func matches(_ snapshot: Snapshot, collection: String, queryString: String, options: TextSearchOptions = TextSearchOptions()) throws -> [TextMatch] {
        var all = options
        all.limit = Int.max
        let run = try collect(snapshot, collection: collection, query: try QueryParser.parse(queryString), options: all, exhaustive: true)
        return run.top.sorted().map(run.locate)
    }

    private struct Run {
        let top: TopHits
        let segments: [(reader: SegmentReader, deletes: DeleteSet)]
        let unflushed: [Document]
        let unflushedStart: Int

        func locate(_ e: TopHits.Entry) -> TextMatch {
            if e.position >= unflushedStart {
                return TextMatch(segment: nil, ordinal: e.position - unflushedStart, document: unflushed[e.position - unflushedStart], score: e.score)
            }
            var p = e.position
            for (i, seg) in segments.enumerated() {
                if p < seg.reader.docCount { return TextMatch(segment: i, ordinal: p, document: nil, score: e.score) }
                p -= seg.reader.docCount
            }
            return TextMatch(segment: nil, ordinal: 0, document: nil, score: e.score)
        }
    }

    private func collect(_ snapshot: Snapshot, collection: String, query: TextQuery, options: TextSearchOptions, exhaustive: Bool) throws -> Run {
        let plan = try QueryPlan(query: query, schema: schema, defaultField: defaultField)
        let segments = try snapshot.segments(of: collection)
        let indexes = try segments.map { try self.indexes(for: $0.reader) }
        var unflushed: [Document] = []
        try snapshot.forEachUnflushed(in: collection, hint: options.filter?.hint) { doc in
            if options.filter?.document(doc) ?? true { unflushed.append(doc) }
            return true
        }
        let memory = plan.analyze(unflushed)
        let stats = try plan.statistics(indexes: indexes, memory: memory)
        let rangeSlot = try options.range.map { try numericSlot($0.field) }
        let sortSlot = try options.sortBy.map { try numericSlot($0.field) }
        var top = TopHits(k: max(0, options.limit))
        var position = 0
        for (s, segment) in segments.enumerated() {
            let range = try rangeSlot.flatMap { try column(slot: $0, in: segment.reader) }
            let sortColumn = try sortSlot.flatMap { try column(slot: $0, in: segment.reader) }
            let allowed = try options.filter?.segment(segment.reader)
            let accept: ((Int) -> Bool)? = segment.deletes.count == 0 && options.range == nil && allowed == nil ? nil : { o in
                if segment.deletes.contains(o) { return false }
                if let allowed, !allowed.contains(o) { return false }
                guard let r = options.range else { return true }
                guard let v = range?.value(o) else { return false }
                return (r.from.map { v >= $0 } ?? true) && (r.to.map { v < $0 } ?? true)
            }
            let run = SegmentRun(plan: plan, stats: stats, indexes: indexes[s], segment: s, accept: accept, basePosition: position,
                                 sort: sortColumn.map { c in (column: c, descending: options.sortBy?.descending ?? true) })
            try run.collect(into: &top, pruning: !exhaustive && options.sortBy == nil)
            position += segment.reader.docCount
        }
        plan.collectUnflushed(memory, docs: unflushed, stats: stats, options: options, basePosition: position, into: &top)
        retainOnly(segments.map(\.reader.number))
        return Run(top: top, segments: segments, unflushed: unflushed, unflushedStart: position)
    }

    /// The ordinals of `reader` whose field `field` holds any of `terms` (as analysed by
    /// the field's analyser: for a keyword field, the exact values): the rows of a keyword
    /// filter. Deleted documents are not removed here.
    public func rows(field: String, terms: [String], in reader: SegmentReader) throws -> RowSet {
        guard let slot = schema.text.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
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
        guard let bytes = try reader.section(TextSections.tag("NC", slot)) else { return nil }
        return try NumericColumn(section: bytes, owner: reader)
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

    private func retainOnly(_ numbers: [UInt64]) {
        let live = Set(numbers)
        cache.withLock { c in for key in c.keys where !live.contains(key) { c[key] = nil } }
        keywordColumns.withLock { c in for key in c.keys where !live.contains(key.segment) { c[key] = nil } }
    }
}
