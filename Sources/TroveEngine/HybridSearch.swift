import TroveStorage
import TroveText
import TroveVector

/// One query on one snapshot: the text side, the vector side, and when both are asked
/// for, reciprocal-rank fusion (score = Σ weight / (k + rank), ranks from 1; ties go to
/// the smaller id so results are deterministic).
struct HybridSearch {
    let searchers: CollectionSearchers
    let schema: CollectionSchema
    let snapshot: Snapshot
    let collection: String

    func run(_ q: EngineQuery, filter: DocumentFilter?) throws -> [EngineHit] {
        guard q.text != nil || q.vector != nil else { throw EngineError.badQuery("a query needs text, a vector, or both") }
        guard q.limit >= 0, q.rrfK >= 0 else { throw EngineError.badQuery("limit and rrf k must not be negative") }
        let hybrid = q.text != nil && q.vector != nil
        let depth = hybrid ? max(q.fusionDepth, q.limit) : q.limit
        let text = try q.text.map { try textHits($0, field: q.textField, depth: depth, filter: filter) }
        let vector = try q.vector.map { try vectorHits($0, field: q.vectorField, depth: depth, filter: filter) }
        guard hybrid, let text, let vector else { return Array((text ?? vector ?? []).prefix(q.limit)) }
        return Self.fuse([(text, q.textWeight), (vector, q.vectorWeight)], k: q.rrfK, limit: q.limit)
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

    private func textHits(_ text: String, field: String?, depth: Int, filter: DocumentFilter?) throws -> [EngineHit] {
        var searcher = searchers.text
        if let field, field != searcher.defaultField {
            guard case .text? = schema.field(field)?.type else { throw EngineError.badQuery("'\(field)' is not a text field") }
            searcher = TextSearcher(schema: searcher.schema, defaultField: field)
        } else if searcher.defaultField.isEmpty {
            throw EngineError.badQuery("the collection has no text field")
        }
        var options = TextSearchOptions(limit: depth)
        options.filter = filter
        do {
            return try searcher.search(snapshot, collection: collection, queryString: text, options: options).map { EngineHit(id: $0.id, score: Double($0.score)) }
        } catch let e as QueryParser.ParseError {
            throw EngineError.badQuery("\(e)")
        }
    }

    private func vectorHits(_ vector: [Float], field: String?, depth: Int, filter: DocumentFilter?) throws -> [EngineHit] {
        guard let name = field ?? schema.vectorSpecs.first?.field, let searcher = searchers.vectors[name],
              let spec = schema.vectorSpecs.first(where: { $0.field == name }) else {
            throw EngineError.badQuery(field.map { "'\($0)' is not a vector field" } ?? "the collection has no vector field")
        }
        guard vector.count == spec.dimension else { throw EngineError.badQuery("the vector has \(vector.count) values; '\(name)' has \(spec.dimension)") }
        let batch = try QueryBatch(vector: vector, dimension: spec.dimension, metric: spec.metric)
        let hits = try searcher.search(snapshot, collection: collection, queries: batch, k: depth, filter: filter)
        return (hits.first ?? []).map { EngineHit(id: $0.id, score: Double($0.score)) }
    }
}
