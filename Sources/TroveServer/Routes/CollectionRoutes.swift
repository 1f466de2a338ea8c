import Hummingbird
import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage

/// `/api/collections`: the caller's own engine collections — create with a schema, list,
/// read, drop; put, get and delete documents; search (text, vector, hybrid, filters,
/// sort, cursor).
struct CollectionRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        let collections = api.system.collections
        router.post("/api/collections") { request, context in
            let owner = try context.requirePrincipal().userID
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["name", "schema"])
            let name = try body.requiredString("name")
            guard let schema = try body.object("schema") else { throw APIError.badRequest("$.schema: required object", field: "$.schema") }
            let made = try collections.create(owner: owner, name: name, schema: schema.value)
            return JSONResponse.make(Self.describe(name, made, documents: 0), status: .created)
        }
        router.get("/api/collections") { _, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.list(try collections.list(owner: owner).map { Self.describe($0.name, $0.schema, documents: $0.documents) })
        }
        router.get("/api/collections/{name}") { _, context in
            let owner = try context.requirePrincipal().userID
            let name = try context.parameters.require("name")
            let info = try collections.info(owner: owner, name: name)
            return JSONResponse.make(Self.describe(name, info.schema, documents: info.documents))
        }
        router.delete("/api/collections/{name}") { _, context in
            try collections.drop(owner: try context.requirePrincipal().userID, name: try context.parameters.require("name"))
            return Response(status: .noContent)
        }
        router.put("/api/collections/{name}/documents/{id}") { request, context in
            let owner = try context.requirePrincipal().userID
            let doc = try await collections.put(owner: owner, name: context.parameters.require("name"), id: context.parameters.require("id"),
                                                json: request.json(limit: api.settings.maxBodyBytes))
            return JSONResponse.make(DocumentJSON.json(from: doc))
        }
        router.get("/api/collections/{name}/documents/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            let doc = try await collections.get(owner: owner, name: context.parameters.require("name"), id: context.parameters.require("id"))
            return JSONResponse.make(DocumentJSON.json(from: doc))
        }
        router.delete("/api/collections/{name}/documents/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            try await collections.delete(owner: owner, name: context.parameters.require("name"), id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.post("/api/collections/{name}/_bulk") { request, context in
            let owner = try context.requirePrincipal().userID
            let name = try context.parameters.require("name")
            _ = try collections.info(owner: owner, name: name)  // an unknown collection is a 404 before the body is read
            let atomic = try Self.flag(request.uri.queryParameters.get("atomic"), name: "atomic")
            let actions = try await BulkBody.read(request, limit: api.settings.maxBulkBytes)
            let results = try await collections.bulk(owner: owner, name: name, actions, atomic: atomic)
            return JSONResponse.make(Self.bulkAnswer(results))
        }
        router.post("/api/collections/{name}/search") { request, context in
            let owner = try context.requirePrincipal().userID
            let asked = try SearchRequest.search(await request.json(limit: api.settings.maxBodyBytes))
            let page = try await collections.search(owner: owner, name: context.parameters.require("name"), asked.query, mode: asked.mode)
            return JSONResponse.list(page.hits.map { h in
                .object([("id", .string(h.id)), ("score", .double(h.score)), ("document", h.document.map(DocumentJSON.json(from:))),
                         ("snippets", h.snippets.isEmpty ? nil : .object(h.snippets.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }))])
            }, cursor: page.cursor)
        }
    }

    /// `?name=true|false`, absent: false.
    private static func flag(_ value: String?, name: String) throws -> Bool {
        switch value {
        case nil, "false": return false
        case "true": return true
        default: throw APIError.badRequest("?\(name): true or false", field: "?\(name)")
        }
    }

    /// Elasticsearch's answer shape: `errors` and one item per action, in order.
    private static func bulkAnswer(_ results: [BulkItemResult]) -> JSONValue {
        var failed = 0
        let items: [JSONValue] = results.map { r in
            var members: [(String, JSONValue?)] = [("_id", r.id.map(JSONValue.string) ?? .null), ("line", .int(Int64(r.line)))]
            switch r.outcome {
            case .indexed: members += [("status", .int(200)), ("result", .string("indexed"))]
            case .deleted: members += [("status", .int(200)), ("result", .string("deleted"))]
            case .notFound: members += [("status", .int(404)), ("result", .string("not_found"))]
            case let .failed(field, reason):
                failed += 1
                members += [("status", .int(400)), ("error", APIError.badRequest("\(field): \(reason)", field: field).json["error"])]
            }
            return .object([(r.action, .object(members))])
        }
        return .object([("object", .string("bulk")), ("errors", .bool(failed > 0)), ("failed", .int(Int64(failed))), ("items", .array(items))])
    }

    static func describe(_ name: String, _ schema: CollectionSchema, documents: Int) -> JSONValue {
        .object([("name", .string(name)), ("object", .string("collection")), ("schema", schema.json), ("documents", .int(Int64(documents)))])
    }
}
