import TroveStorage
import TroveText

extension Database {
    /// Runs `query` on one snapshot, restricted to the tenant on a tenant-scoped
    /// collection: text, vector, hybrid, or neither (every document the filters allow);
    /// ordered by score or a field; one page of `limit` hits and the cursor of the next.
    public func search(_ query: EngineQuery, in collection: String, tenant: String? = nil) async throws -> SearchPage {
        try Self.checkDepth(query)
        let cursor = try query.searchAfter.map(SearchCursor.decode)
        switch query.sort {
        case .score:
            var pin: UInt64?, offset = 0
            if let cursor {
                guard case let .offset(p, o) = cursor else { throw EngineError.badQuery("the cursor belongs to a query sorted by a field") }
                (pin, offset) = (p, o)
            }
            var snapshot: Snapshot?
            if let pin {
                guard let pinned = pins.snapshot(pin) else { throw EngineError.cursorExpired }
                snapshot = pinned
            }
            let context = try self.context(query, collection: collection, tenant: tenant, snapshot: snapshot)
            return try scorePage(query, context: context, pin: pin, offset: offset)
        case let .field(field, descending):
            var after: (value: Int64?, id: String)?
            if let cursor {
                guard case let .after(f, d, value, id) = cursor, f == field, d == descending else {
                    throw EngineError.badQuery("the cursor belongs to a query with another sort")
                }
                after = (value, id)
            }
            let context = try self.context(query, collection: collection, tenant: tenant, snapshot: nil)
            return try fieldPage(query, context: context, field: field, descending: descending, after: after)
        }
    }

    /// Refuses negative sizes, and sizes past `EngineQuery.maximumDepth`, before anything
    /// is allocated for them.
    static func checkDepth(_ query: EngineQuery) throws {
        guard query.limit >= 0, query.rrfK >= 0, query.fusionDepth >= 0 else { throw EngineError.badQuery("limit, rrf k and fusion depth must not be negative") }
        guard [query.textWeight, query.vectorWeight].allSatisfy({ $0.map { $0.isFinite && $0 >= 0 } ?? true }) else {
            throw EngineError.badQuery("fusion weights must be finite and not negative")
        }
        let most = EngineQuery.maximumDepth
        guard query.limit <= most else { throw EngineError.limitExceeded("limit \(query.limit) is over \(most)") }
        guard query.fusionDepth <= most else { throw EngineError.limitExceeded("fusion depth \(query.fusionDepth) is over \(most)") }
        if let text = query.text, query.syntax == .queryString, text.utf8.count > EngineQuery.maximumTextBytes {
            throw EngineError.limitExceeded("the query text is \(text.utf8.count) bytes, over \(EngineQuery.maximumTextBytes)")
        }
    }

    /// How many documents `query` matches (for a vector query: how many of its
    /// `fusionDepth` nearest neighbours pass the filters).
    public func count(_ query: EngineQuery, in collection: String, tenant: String? = nil) async throws -> Int {
        try Self.checkDepth(query)
        let context = try self.context(query, collection: collection, tenant: tenant, snapshot: nil)
        return try candidates(query, context: context).items.count
    }

    /// Groups and sums (or averages, minima, maxima) over the documents `query` matches.
    public func aggregate(_ query: EngineQuery, _ aggregation: Aggregation, in collection: String, tenant: String? = nil) async throws -> [AggregateBucket] {
        try Self.checkDepth(query)
        let context = try self.context(query, collection: collection, tenant: tenant, snapshot: nil)
        let run = AggregationRun(aggregation: aggregation, schema: context.schema)
        try run.check()
        return try run.run(candidates(query, context: context), text: context.searchers.text)
    }

    func context(_ query: EngineQuery, collection: String, tenant: String?, snapshot: Snapshot?) throws -> QueryContext {
        let schema = try self.schema(of: collection)
        let searchers = searchers(for: collection, schema: schema)
        var filters = query.filters
        if let field = schema.tenantField {
            guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
            filters.append(.equals(field: field, value: tenant))
        }
        let all = try QueryFilters.documentFilter(filters, schema: schema, searchers: searchers)
        var textFilter = all
        var textRange: (field: String, from: Int64?, to: Int64?)?
        if let i = filters.firstIndex(where: { if case let .range(f, _, _) = $0 { return schema.field(f)?.type != .double }; return false }),
           case let .range(f, from, to) = filters[i] {
            var rest = filters
            rest.remove(at: i)
            textFilter = try QueryFilters.documentFilter(rest, schema: schema, searchers: searchers)
            textRange = (f, from, to)
        }
        return QueryContext(schema: schema, searchers: searchers, snapshot: try snapshot ?? store.snapshot(), collection: collection,
                            filter: all, textFilter: textFilter, textRange: textRange, textQuery: try query.textQuery())
    }

    /// Everything the query matches: all text matches, the vector or fused top
    /// `fusionDepth`, or every document the filters allow.
    func candidates(_ q: EngineQuery, context: QueryContext) throws -> Candidates {
        let search = HybridSearch(context: context)
        if q.vector != nil {
            return try Candidates.hits(search.run(q, limit: max(q.fusionDepth, q.limit)), snapshot: context.snapshot, collection: context.collection)
        }
        if q.text != nil {
            return Candidates.text(try search.allTextMatches(q), segments: try context.snapshot.segments(of: context.collection))
        }
        return try Candidates.all(context.snapshot, collection: context.collection, filter: context.filter)
    }

    private func scorePage(_ q: EngineQuery, context: QueryContext, pin: UInt64?, offset: Int) throws -> SearchPage {
        guard offset <= EngineQuery.maximumDepth - q.limit else {
            throw EngineError.limitExceeded("a score-ordered page ends at most \(EngineQuery.maximumDepth) hits deep (cursor offset \(offset) + limit \(q.limit)); sort by a field to page further")
        }
        let wanted = offset + q.limit + 1
        var hits: [EngineHit]
        if q.text != nil || q.vector != nil {
            hits = try HybridSearch(context: context).run(q, limit: wanted)
        } else {
            let all = try Candidates.all(context.snapshot, collection: context.collection, filter: context.filter)
            hits = try all.items.prefix(wanted).map { EngineHit(id: try all.id($0), score: 0) }
        }
        let more = hits.count > offset + q.limit
        hits = Array(hits.dropFirst(offset).prefix(q.limit))
        let next = more ? SearchCursor.offset(pin: pin ?? pins.pin(context.snapshot), offset: offset + q.limit).encoded : nil
        return SearchPage(hits: try decorate(hits, q, context: context), cursor: next)
    }

    private func fieldPage(_ q: EngineQuery, context: QueryContext, field: String, descending: Bool, after: (value: Int64?, id: String)?) throws -> SearchPage {
        switch context.schema.field(field)?.type {
        case .int?, .double?, .timestamp?: break
        default: throw EngineError.badQuery("cannot sort by '\(field)': not a numeric or timestamp field")
        }
        if q.text != nil, q.vector == nil,
           let (hits, more) = try TextFieldPage(context: context, query: q, field: field, descending: descending).page(after: after, limit: q.limit) {
            let next = more ? hits.last.map { SearchCursor.after(field: field, descending: descending, value: $0.sortValue, id: $0.id).encoded } : nil
            return SearchPage(hits: try decorate(hits, q, context: context), cursor: next)
        }
        let all = try candidates(q, context: context)
        let values = try all.numbers(field, text: context.searchers.text)
        let (page, more) = try FieldSort(descending: descending).page(all, values: values, after: after, limit: q.limit)
        let hits = page.map { EngineHit(id: $0.id, score: $0.item.score, sortValue: $0.value) }
        let next = more ? page.last.map { SearchCursor.after(field: field, descending: descending, value: $0.value, id: $0.id).encoded } : nil
        return SearchPage(hits: try decorate(hits, q, context: context), cursor: next)
    }

    /// Adds stored documents and snippets when the query asks for them.
    private func decorate(_ hits: [EngineHit], _ q: EngineQuery, context: QueryContext) throws -> [EngineHit] {
        guard q.includeDocuments || !q.snippetFields.isEmpty else { return hits }
        let highlighters = try q.snippetFields.map { field -> (String, Highlighter) in
            guard case let .text(analyzer, _)? = context.schema.field(field)?.type else { throw EngineError.badQuery("no snippets from '\(field)': not a text field") }
            guard let text = q.text else { throw EngineError.badQuery("snippets need a text query") }
            guard let parsed = context.textQuery else { throw EngineError.badQuery("snippets need a text query") }
            return (field, Highlighter(query: parsed, field: field, defaultField: q.textField ?? context.searchers.text.defaultField, analyzer: analyzer))
        }
        return try hits.map { hit in
            var hit = hit
            guard let doc = try context.snapshot.get(hit.id, in: context.collection) else { return hit }
            if q.includeDocuments { hit.document = doc }
            for (field, h) in highlighters {
                if case let .string(s)? = doc[field], let snippet = h.snippet(s, options: q.snippetOptions) { hit.snippets[field] = snippet }
            }
            return hit
        }
    }
}
