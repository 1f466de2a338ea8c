import TroveStorage
import TroveText
import TroveVector

/// What one query runs on: a snapshot, the collection's searchers and its filters.
struct QueryContext {
    let schema: CollectionSchema
    let searchers: CollectionSearchers
    let snapshot: Snapshot
    let collection: String
    /// Every filter of the query, the tenant's included.
    let filter: DocumentFilter?
    /// The same minus one integer range, which the text side applies while it walks
    /// postings instead of scanning the column first.
    let textFilter: DocumentFilter?
    let textRange: (field: String, from: Int64?, to: Int64?)?
    /// The query's text as the text layer runs it, parsed once per request (nil without
    /// text); every text step of the request reads it from here.
    let textQuery: TextQuery?

    /// Options searching `field` (default: the first declared text field) under the
    /// query's filters and range.
    func textOptions(limit: Int, field: String?) throws -> TextSearchOptions {
        var options = TextSearchOptions(limit: limit)
        options.filter = textFilter
        options.range = textRange
        if let field, field != searchers.text.defaultField {
            guard case .text? = schema.field(field)?.type else { throw EngineError.badQuery("'\(field)' is not a text field") }
            options.defaultField = field
        }
        guard !(options.defaultField ?? searchers.text.defaultField).isEmpty else { throw EngineError.badQuery("the collection has no text field") }
        return options
    }
}

/// One ranked query on one snapshot: the text side, the vector side, and when both are
/// asked for, their fusion (`Fusion`: linear over normalised scores by default, or
/// reciprocal rank; ties go to the smaller id so results are deterministic).
struct HybridSearch {
    let context: QueryContext

    /// The best `limit` hits.
    func run(_ q: EngineQuery, limit: Int) throws -> [EngineHit] {
        guard q.text != nil || q.vector != nil else { throw EngineError.badQuery("a ranked query needs text, a vector, or both") }
        let hybrid = q.text != nil && q.vector != nil
        let depth = hybrid ? max(q.fusionDepth, limit) : limit
        let text = try context.textQuery.map { try textHits($0, field: q.textField, depth: depth) }
        let vector = try q.vector.map { try vectorHits($0, field: q.vectorField, depth: depth, nprobe: q.nprobe, efSearch: q.efSearch) }
        guard hybrid, let text, let vector else { return Array((text ?? vector ?? []).prefix(limit)) }
        let weights = (text: q.textWeight ?? q.fusion.defaultWeights.text, vector: q.vectorWeight ?? q.fusion.defaultWeights.vector)
        switch q.fusion {
        case .rrf: return Self.fuse([(text, weights.text), (vector, weights.vector)], k: q.rrfK, limit: limit)
        case let .linear(n): return Self.fuseLinear([(text, weights.text), (vector, weights.vector)], normalization: n, limit: limit)
        }
    }

    static func fuse(_ lists: [([EngineHit], Double)], k: Int, limit: Int) -> [EngineHit] {
        var scores: [String: Double] = [:]
        for (hits, weight) in lists {
            for (rank, h) in hits.enumerated() { scores[h.id, default: 0] += weight / Double(k + rank + 1) }
        }
        return scores.map { EngineHit(id: $0.key, score: $0.value) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
            .prefix(limit).map { $0 }
    }

    private func textHits(_ query: TextQuery, field: String?, depth: Int) throws -> [EngineHit] {
        let options = try context.textOptions(limit: depth, field: field)
        return try context.searchers.text.search(context.snapshot, collection: context.collection, query: query, options: options)
            .map { EngineHit(id: $0.id, score: Double($0.score)) }
    }

    /// Every text match (no top-k cut), for sorts, counts and aggregations.
    func allTextMatches(_ q: EngineQuery) throws -> [TextMatch] {
        let options = try context.textOptions(limit: Int.max, field: q.textField)
        return try context.searchers.text.matches(context.snapshot, collection: context.collection, query: context.textQuery ?? .match("", field: nil, boost: 1), options: options)
    }

    static func parsing<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let e as QueryParser.ParseError {
            throw e.isLimit ? EngineError.limitExceeded("\(e)") : EngineError.badQuery("\(e)")
        }
    }

    private func vectorHits(_ vector: [Float], field: String?, depth: Int, nprobe: Int?, efSearch: Int?) throws -> [EngineHit] {
        for (name, value) in [("nprobe", nprobe), ("ef_search", efSearch)] {
            if let value, !(1...EngineQuery.maximumSearchEffort).contains(value) {
                throw EngineError.badQuery("\(name) must be in 1...\(EngineQuery.maximumSearchEffort), got \(value)")
            }
        }
        let schema = context.schema
        guard let name = field ?? schema.vectorSpecs.first?.field, let searcher = context.searchers.vectors[name],
              let spec = schema.vectorSpecs.first(where: { $0.field == name }) else {
            throw EngineError.badQuery(field.map { "'\($0)' is not a vector field" } ?? "the collection has no vector field")
        }
        guard vector.count == spec.dimension else { throw EngineError.badQuery("the vector has \(vector.count) values; '\(name)' has \(spec.dimension)") }
        let batch = try QueryBatch(vector: vector, dimension: spec.dimension, metric: spec.metric)
        let hits = try searcher.search(context.snapshot, collection: context.collection, queries: batch, k: depth,
                                       nprobe: nprobe ?? IVFIndex.defaultNprobe, ef: efSearch, filter: context.filter)
        return (hits.first ?? []).map { EngineHit(id: $0.id, score: Double($0.score)) }
    }
}
