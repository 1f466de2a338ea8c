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
    /// What each segment's queries read besides postings is in the segment's memo
    /// (`SegmentColumns`); the searcher keeps only the analysed unflushed documents.
    private let memory: UnflushedChunks

    public init(schema full: TextSchema, defaultField: String) {
        let schema = full.slotted
        self.schema = schema
        self.defaultField = defaultField
        memory = UnflushedChunks(schema: schema)
    }

    /// Parses `queryString` and searches.
    public func search(_ snapshot: Snapshot, collection: String, queryString: String, options: TextSearchOptions = TextSearchOptions()) throws -> [TextHit] {
        try search(snapshot, collection: collection, query: try QueryParser.parse(queryString), options: options)
    }

    public func search(_ snapshot: Snapshot, collection: String, query: TextQuery, options: TextSearchOptions = TextSearchOptions(), exhaustive: Bool = false) throws -> [TextHit] {
        let run = try collect(snapshot, collection: collection, query: query, options: options, exhaustive: exhaustive)
        return try withProximity(run, limit: options.limit, sorted: options.sortBy != nil).map { e in
            let m = run.locate(e)
            let id: String
            switch m.address {
            case let .segment(s, o): id = try run.segments[s].reader.id(at: o)
            case .unflushed: id = m.document?.id ?? ""
            }
            return TextHit(id: id, score: e.score, sortValue: e.sortValue)
        }
    }

    /// Every document matching `query` (no top-k cut), best first: where each lives and
    /// its score. For counts, aggregations and sorts over a whole match set.
    public func matches(_ snapshot: Snapshot, collection: String, queryString: String, options: TextSearchOptions = TextSearchOptions()) throws -> [TextMatch] {
        try matches(snapshot, collection: collection, query: try QueryParser.parse(queryString), options: options)
    }

    public func matches(_ snapshot: Snapshot, collection: String, query: TextQuery, options: TextSearchOptions = TextSearchOptions()) throws -> [TextMatch] {
        var all = options
        all.limit = Int.max
        let run = try collect(snapshot, collection: collection, query: query, options: all, exhaustive: true)
        return run.top.sorted().map(run.locate)
    }

    struct Run {
        let top: TopHits
        let plan: QueryPlan
        let stats: QueryPlan.Stats
        let parts: [SearchPart]
        let segments: [SegmentView]
        let unflushed: [Document]
        let unflushedStart: Int

        func locate(_ e: TopHits.Entry) -> TextMatch {
            if e.position >= unflushedStart {
                let i = e.position - unflushedStart
                return TextMatch(address: .unflushed(i), document: unflushed[i], score: e.score)
            }
            var p = e.position
            for (i, seg) in segments.enumerated() {
                if p < seg.reader.docCount { return TextMatch(address: .segment(i, ordinal: p), document: nil, score: e.score) }
                p -= seg.reader.docCount
            }
            // Positions come from the parts above: one past them all is never produced.
            return TextMatch(address: .unflushed(0), document: nil, score: e.score)
        }
    }

    /// Scores every segment, then the unflushed chunks (positions: segments in order, then
    /// memtable entries by ordinal); sorted by a column, the parts that can hold the best
    /// values go first, so the others are mostly skipped.
    private func collect(_ snapshot: Snapshot, collection: String, query: TextQuery, options: TextSearchOptions, exhaustive: Bool) throws -> Run {
        let plan = try QueryPlan(query: query, schema: schema, defaultField: options.defaultField ?? defaultField)
        let segments = try snapshot.segments(of: collection)
        let unflushed = try snapshot.unflushedEntries(in: collection)
        let slots = try SearchPart.Slots(range: options.range.map { try numericSlot($0.field) }, sort: options.sortBy.map { try numericSlot($0.field) })
        var parts: [SearchPart] = []
        var position = 0
        for segment in segments {
            parts.append(try segmentPart(segment, slots: slots, options: options, basePosition: position))
            position += segment.reader.docCount
        }
        let unflushedStart = position
        for chunk in try memory.chunks(unflushed) {
            parts.append(SearchPart(chunk, entries: unflushed, slots: slots, options: options, basePosition: unflushedStart + chunk.start))
        }
        let stats = try plan.statistics(indexes: parts.map(\.indexes))
        var top = TopHits(k: max(0, options.limit))
        for i in SearchPart.order(parts, sortBy: options.sortBy) {
            let part = parts[i]
            // Parts come best value first: once one cannot enter the top, none can.
            if let sort = options.sortBy, let best = part.sortWindows?.bestKey(descending: sort.descending),
               !top.admits(key: best, position: part.basePosition), best < top.threshold { break }
            var run = SegmentRun(plan: plan, stats: stats, indexes: part.indexes, segment: i, accept: part.accept, basePosition: part.basePosition,
                                 sort: part.sortColumn.map { c in (column: c, descending: options.sortBy?.descending ?? true) })
            run.windows = part.sortWindows
            run.sparseAllowed = part.sparseAllowed
            if let r = options.range, r.field == options.sortBy?.field { run.sortRange = (r.from, r.to) }
            try run.collect(into: &top, pruning: !exhaustive && options.sortBy == nil)
        }
        return Run(top: top, plan: plan, stats: stats, parts: parts, segments: segments, unflushed: unflushed.documents, unflushedStart: unflushedStart)
    }

    private func segmentPart(_ segment: SegmentView, slots: SearchPart.Slots, options: TextSearchOptions, basePosition: Int) throws -> SearchPart {
        let deletes = segment.deletes, columns = self.columns(segment)
        let allowed = try options.filter?.segment(segment)
        let excluded: ((Int) -> Bool)? = deletes.count == 0 && allowed == nil ? nil : { o in
            deletes.contains(o) || !(allowed?.contains(o) ?? true)
        }
        var part = SearchPart(indexes: try columns.indexes(), basePosition: basePosition, excluded: excluded,
                              rangeColumn: try slots.range.flatMap { try columns.column(slot: $0) },
                              range: options.range, sortColumn: try slots.sort.flatMap { try columns.column(slot: $0) },
                              sortWindows: try slots.sort.flatMap { try columns.windows(slot: $0) })
        if let allowed, allowed.count <= allowed.capacity / SegmentRun.sparseFilterRatio { part.sparseAllowed = allowed }
        return part
    }
}
