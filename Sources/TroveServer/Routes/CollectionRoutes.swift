import Hummingbird
import TroveChat
import TroveEngine
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
            let body = try await request.json(limit: api.settings.maxBodyBytes)
            guard let name = body["name"]?.stringValue else { throw APIError.badRequest("$.name: required string", field: "$.name") }
            guard let schema = body["schema"] else { throw APIError.badRequest("$.schema: required object", field: "$.schema") }
            let made = try collections.create(owner: owner, name: name, schema: schema)
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
        router.post("/api/collections/{name}/search") { request, context in
            let owner = try context.requirePrincipal().userID
            let query = try Self.query(await request.json(limit: api.settings.maxBodyBytes))
            let page = try await collections.search(owner: owner, name: context.parameters.require("name"), query)
            return JSONResponse.list(page.hits.map { h in
                .object([("id", .string(h.id)), ("score", .double(h.score)), ("document", h.document.map(DocumentJSON.json(from:))),
                         ("snippets", h.snippets.isEmpty ? nil : .object(h.snippets.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }))])
            }, cursor: page.cursor)
        }
    }

    static func describe(_ name: String, _ schema: CollectionSchema, documents: Int) -> JSONValue {
        .object([("name", .string(name)), ("object", .string("collection")), ("schema", schema.json), ("documents", .int(Int64(documents)))])
    }

    /// `{"text", "syntax": "match" | "query_string", "text_field", "vector", "vector_field", "nprobe", "ef_search", "filters": [{"field", "equals" | "in" |
    /// "from"/"to" | "exists"}], "limit", "sort": "score" | "f" | "-f", "cursor", "snippets": [fields]}`.
    static func query(_ body: JSONValue) throws -> EngineQuery {
        guard case .object = body else { throw APIError.badRequest("$: expected an object", field: "$") }
        var q = EngineQuery(text: body["text"]?.stringValue, limit: body["limit"]?.intValue ?? 10)
        guard q.limit >= 1 else { throw APIError.badRequest("$.limit: 1 to 1000", field: "$.limit") }
        guard q.limit <= 1000 else { throw APIError.limit("$.limit: at most 1000 hits a page") }
        q.textField = body["text_field"]?.stringValue
        if let syntax = body["syntax"] {
            guard let name = syntax.stringValue, let parsed = TextSyntax(rawValue: name) else {
                throw APIError.badRequest("$.syntax: \"match\" (any text, the default) or \"query_string\"", field: "$.syntax")
            }
            q.syntax = parsed
        }
        q.vectorField = body["vector_field"]?.stringValue
        for (key, keyPath) in [("nprobe", \EngineQuery.nprobe), ("ef_search", \EngineQuery.efSearch)] {
            guard let v = body[key] else { continue }
            guard let n = v.intValue, (1...EngineQuery.maximumSearchEffort).contains(n) else {
                throw APIError.badRequest("$.\(key): an integer in 1...\(EngineQuery.maximumSearchEffort)", field: "$.\(key)")
            }
            q[keyPath: keyPath] = n
        }
        if let v = body["vector"] {
            guard let items = v.arrayValue, !items.isEmpty else { throw APIError.badRequest("$.vector: an array of numbers", field: "$.vector") }
            q.vector = try items.enumerated().map { i, x in
                guard let d = x.doubleValue else { throw APIError.badRequest("$.vector[\(i)]: a number", field: "$.vector[\(i)]") }
                return Float(d)
            }
        }
        for (i, f) in (body["filters"]?.arrayValue ?? []).enumerated() {
            let path = "$.filters[\(i)]"
            guard let field = f["field"]?.stringValue else { throw APIError.badRequest("\(path).field: required", field: "\(path).field") }
            if let v = f["equals"]?.stringValue {
                q.filters.append(.equals(field: field, value: v))
            } else if let vs = f["in"]?.arrayValue {
                q.filters.append(.oneOf(field: field, values: vs.compactMap(\.stringValue)))
            } else if f["from"] != nil || f["to"] != nil {
                func bound(_ key: String) throws -> Int64? {
                    guard let v = f[key] else { return nil }
                    if let i = v.intValue { return Int64(i) }
                    if let s = v.stringValue, let t = Timestamp.parse(s) { return t }
                    throw APIError.badRequest("\(path).\(key): an integer or an RFC 3339 time", field: "\(path).\(key)")
                }
                q.filters.append(.range(field: field, from: try bound("from"), to: try bound("to")))
            } else if f["exists"]?.boolValue == true {
                q.filters.append(.exists(field: field))
            } else {
                throw APIError.badRequest("\(path): needs equals, in, from/to or exists", field: path)
            }
        }
        switch body["sort"]?.stringValue {
        case nil, "score"?: q.sort = .score
        case let s?: q.sort = s.hasPrefix("-") ? .field(String(s.dropFirst()), descending: true) : .field(s, descending: false)
        }
        if let fusion = body["fusion"] { try Self.fusion(fusion, into: &q) }
        q.searchAfter = body["cursor"]?.stringValue
        q.includeDocuments = body["include_documents"]?.boolValue ?? true
        q.snippetFields = body["snippets"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return q
    }

    /// `{"method": "rrf" | "linear", "weights": [text, vector], "k": 60, "normalization": "min_max" | "z_score"}`;
    /// what is left out keeps the engine's default (linear, z_score, [0.7, 0.3]).
    static func fusion(_ f: JSONValue, into q: inout EngineQuery) throws {
        guard case .object = f else { throw APIError.badRequest("$.fusion: an object", field: "$.fusion") }
        let normalization = try f["normalization"].map { n in
            guard let name = n.stringValue, let parsed = ScoreNormalization(rawValue: name) else {
                throw APIError.badRequest("$.fusion.normalization: \"min_max\" or \"z_score\"", field: "$.fusion.normalization")
            }
            return parsed
        } ?? .zScore
        switch f["method"]?.stringValue {
        case "rrf"?: q.fusion = .rrf
        case nil, "linear"?: q.fusion = .linear(normalization)
        default: throw APIError.badRequest("$.fusion.method: \"rrf\" or \"linear\"", field: "$.fusion.method")
        }
        if let w = f["weights"] {
            guard let items = w.arrayValue, items.count == 2, let t = items[0].doubleValue, let v = items[1].doubleValue, t >= 0, v >= 0, t.isFinite, v.isFinite else {
                throw APIError.badRequest("$.fusion.weights: two numbers ≥ 0, [text, vector]", field: "$.fusion.weights")
            }
            (q.textWeight, q.vectorWeight) = (t, v)
        }
        if let k = f["k"] {
            guard let value = k.intValue, value >= 1, value <= 10_000 else { throw APIError.badRequest("$.fusion.k: an integer from 1 to 10000", field: "$.fusion.k") }
            q.rrfK = value
        }
    }
}
