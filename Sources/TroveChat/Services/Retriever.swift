import TroveEmbed
import TroveEngine

/// Finds the passages of an owner's collections that answer a question: hybrid (BM25 and
/// vector, fused by reciprocal rank) or vector only, filtered by the owner's chosen
/// collections or files, deduplicated, cut at a minimum similarity and a token budget.
public struct Retriever: Sendable {
    let database: Database
    let embedder: any Embedder
    let counter: any TokenCounter

    /// What to search and how much to keep.
    public struct Request: Sendable {
        public var query: String
        public var collections: [String]
        /// Only these files' chunks (attachments); empty: no restriction.
        public var fileIDs: [String] = []
        public var topK = 5
        public var hybrid = true
        public var minScore = 0.0
        /// Tokens the passages together may take; nil: no limit.
        public var tokenBudget: Int?

        public init(query: String, collections: [String] = [], topK: Int = 5, hybrid: Bool = true, minScore: Double = 0, tokenBudget: Int? = nil) {
            self.query = query
            self.collections = collections
            self.topK = topK
            self.hybrid = hybrid
            self.minScore = minScore
            self.tokenBudget = tokenBudget
        }
    }

    /// The passages, best first, numbered from 1 for citation.
    public func retrieve(owner: String, _ request: Request) async throws -> [Source] {
        let question = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty, request.topK > 0 else { return [] }
        guard let vector = try await embedder.embed([question]).first else { return [] }
        var filters: [QueryFilter] = []
        if !request.fileIDs.isEmpty {
            filters.append(.oneOf(field: StoredChunk.FieldName.fileID.rawValue, values: request.fileIDs))
        } else {
            let names = request.collections.isEmpty ? [KnowledgeCollection.defaultName] : request.collections
            filters.append(.oneOf(field: StoredChunk.FieldName.collection.rawValue, values: names))
        }
        // Ask for more than top_k: duplicates and low similarities are dropped after. The
        // text side reads the question as typed (match mode: any string, every word, a
        // splitting word's tokens rewarded when adjacent; the engine caps it at 32 KiB).
        var q = EngineQuery(text: request.hybrid ? question : nil, vector: vector, filters: filters, limit: request.topK * 3)
        q.syntax = .match
        q.textField = StoredChunk.FieldName.text.rawValue
        q.vectorField = StoredChunk.FieldName.embedding.rawValue
        q.includeDocuments = true
        q.fusionDepth = max(50, request.topK * 10)
        let hits = try await database.search(q, in: ChatCollections.chunks, tenant: owner).hits
        return try select(hits, vector: vector, request: request)
    }

    private func select(_ hits: [EngineHit], vector: [Float], request: Request) throws(ChatError) -> [Source] {
        var out: [Source] = []
        var seenTexts = Set<String>()
        var used = 0
        for hit in hits {
            guard let d = hit.document else { continue }
            let chunk = try StoredChunk(document: d)
            let similarity = Double(zip(vector, chunk.embedding).reduce(Float(0)) { $0 + $1.0 * $1.1 })
            guard similarity >= request.minScore else { continue }
            let text = chunk.text
            let key = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard seenTexts.insert(key).inserted else { continue }
            let cost = counter.count(text) + 8
            if let budget = request.tokenBudget, used + cost > budget { continue }
            used += cost
            out.append(Source(number: out.count + 1, fileID: chunk.fileID, fileName: chunk.fileName, collection: chunk.knowledgeCollection,
                              chunk: chunk.number, start: chunk.start, end: chunk.end, text: text, score: hit.score, similarity: similarity))
            if out.count == request.topK { break }
        }
        return out
    }
}

import Foundation
