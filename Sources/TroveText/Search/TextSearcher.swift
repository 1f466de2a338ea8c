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

    public init(schema: TextSchema, defaultField: String) {
        self.schema = schema
        self.defaultField = defaultField
    }

    /// Parses `queryString` and searches.
    public func search(_ snapshot: Snapshot, collection: String, queryString: String, options: TextSearchOptions = TextSearchOptions()) throws -> [TextHit] {
        try search(snapshot, collection: collection, query: try QueryParser.parse(queryString), options: options)
    }

    public func search(_ snapshot: Snapshot, collection: String, query: TextQuery, options: TextSearchOptions = TextSearchOptions(), exhaustive: Bool = false) throws -> [TextHit] {
        let plan = try QueryPlan(query: query, schema: schema, defaultField: defaultField)
        let segments = try snapshot.segments(of: collection)
        let indexes = try segments.map { try self.indexes(for: $0.reader) }
        var unflushed: [Document] = []
        try snapshot.forEachUnflushed(in: collection) { doc in
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
            let column = { (slot: Int?) throws -> NumericColumn? in
                guard let slot, let bytes = try segment.reader.section(TextSections.tag("NC", slot)) else { return nil }
                return try NumericColumn(section: bytes, owner: segment.reader)
            }
            let range = try column(rangeSlot), sortColumn = try column(sortSlot)
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
        return try top.sorted().map { e in
            if e.position >= position { return TextHit(id: unflushed[e.position - position].id, score: e.score, sortValue: e.sortValue) }
            var p = e.position
            for seg in segments {
                if p < seg.reader.docCount { return TextHit(id: try seg.reader.id(at: p), score: e.score, sortValue: e.sortValue) }
                p -= seg.reader.docCount
            }
            return TextHit(id: "", score: e.score, sortValue: e.sortValue)
        }
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
        guard let bytes = try reader.section(TextSections.tag("NC", slot)) else { return rows }
        let column = try NumericColumn(section: bytes, owner: reader)
        for o in 0..<reader.docCount {
            if let v = column.value(o), from.map({ v >= $0 }) ?? true, to.map({ v < $0 }) ?? true { rows.insert(o) }
        }
        return rows
    }

    func numericSlot(_ field: String) throws -> Int {
        guard let i = schema.numeric.firstIndex(where: { $0.field == field }) else { throw TextSearchError.unknownField(field) }
        return i
    }

    private func indexes(for reader: SegmentReader) throws -> [TextSegmentIndex?] {
        if let hit = cache.withLock({ $0[reader.number] }) { return hit }
        let opened = try schema.text.indices.map { try TextSegmentIndex.open(reader, slot: $0) }
        cache.withLock { $0[reader.number] = opened }
        return opened
    }

    private func retainOnly(_ numbers: [UInt64]) {
        let live = Set(numbers)
        cache.withLock { c in for key in c.keys where !live.contains(key) { c[key] = nil } }
    }
}
