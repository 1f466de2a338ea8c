import Hummingbird
import NIOCore
import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage

/// Whole-collection operations on the caller's own collections: `_count`, `_aggregate`,
/// `_delete_by_query` and `_export` (NDJSON, streamed); and `/api/retrieve`, the cited
/// passages of the caller's files for a question, without a model call.
struct CollectionQueryRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        let collections = api.system.collections
        router.post("/api/collections/{name}/_count") { request, context in
            let owner = try context.requirePrincipal().userID
            let query = try Self.matchQuery(try await request.json(limit: api.settings.maxBodyBytes), extra: [])
            let n = try await collections.count(owner: owner, name: context.parameters.require("name"), query.query)
            return JSONResponse.make(.object([("object", .string("count")), ("count", .int(Int64(n)))]))
        }
        router.post("/api/collections/{name}/_aggregate") { request, context in
            let owner = try context.requirePrincipal().userID
            let asked = try AggregateRequest(try await request.json(limit: api.settings.maxBodyBytes))
            let buckets = try await collections.aggregate(owner: owner, name: context.parameters.require("name"), asked.query, asked.aggregation)
            return JSONResponse.make(asked.answer(buckets))
        }
        router.post("/api/collections/{name}/_delete_by_query") { request, context in
            let owner = try context.requirePrincipal().userID
            let (query, input) = try Self.matchQuery(try await request.json(limit: api.settings.maxBodyBytes), extra: ["all"])
            let all = try input.bool("all") ?? false
            // A vector selects only its nearest neighbours, a number that depends on the
            // fusion depth: too loose a selection for a delete.
            if query.vector != nil { throw APIError.badRequest("$.vector: deletes select by text or filters, not by nearness", field: "$.vector") }
            let selects = query.text != nil || !query.filters.isEmpty
            guard selects != all else {
                throw APIError.badRequest(all ? "$.all: with all: true, leave text and filters out"
                                              : "$: name the documents (text or filters), or send \"all\": true to delete every one",
                                          field: all ? "$.all" : "$")
            }
            let n = try await collections.deleteMatching(owner: owner, name: context.parameters.require("name"), query)
            return JSONResponse.make(.object([("object", .string("deleted")), ("deleted", .int(Int64(n)))]))
        }
        router.get("/api/collections/{name}/_export") { _, context in
            let owner = try context.requirePrincipal().userID
            let batches = try collections.export(owner: owner, name: context.parameters.require("name"))
            let body = ResponseBody { writer in
                for try await batch in batches {
                    var text = ""
                    for doc in batch { text += JSONWriter.string(DocumentJSON.json(from: doc)) + "\n" }
                    try await writer.write(ByteBuffer(string: text))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"], body: body)
        }
        router.post("/api/retrieve") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["query", "collections", "top_k", "hybrid", "min_score"])
            let sources = try await api.system.retrieve(owner: owner, query: body.requiredString("query", maxLength: EngineQuery.maximumTextBytes),
                                                        collections: body.strings("collections") ?? [], topK: body.int("top_k", in: 1...100) ?? 5,
                                                        hybrid: body.bool("hybrid") ?? true, minScore: body.double("min_score", in: -1...1) ?? 0)
            return JSONResponse.list(sources.map(\.json))
        }
    }

    /// The selecting members of a body that may also hold `extra` members.
    private static func matchQuery(_ body: JSONValue, extra: Set<String>) throws -> (query: EngineQuery, input: JSONInput) {
        let input = try JSONInput(body)
        try input.only(SearchRequest.matchMembers.union(extra))
        return (try SearchRequest.match(input), input)
    }
}
