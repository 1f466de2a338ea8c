import TroveChat
import TroveEngine
import TroveJSON

/// The body of `POST /api/collections/{name}/search`, read strictly: a member of the wrong
/// type, out of range or unknown is a 400 naming its `$.path` (a misspelt `"limt"` or a
/// `"limit": "5"` used to be ignored and the defaults used instead).
///
/// `{"text", "syntax": "match" | "query_string", "text_field", "vector", "vector_field",
/// "nprobe", "ef_search", "filters": [{"field", "equals" | "in" | "from"/"to" | "exists"}],
/// "limit", "sort": "score" | "f" | "-f", "cursor", "include_documents", "snippets": [fields],
/// "fusion": {…}, "mode": "text" | "vector" | "hybrid"}`.
enum SearchRequest {
    /// What selects documents: shared by search, `_count`, `_aggregate` and `_delete_by_query`.
    static let matchMembers: Set<String> = ["text", "syntax", "text_field", "vector", "vector_field", "nprobe", "ef_search", "filters", "fusion"]
    static let members = matchMembers.union(["limit", "sort", "cursor", "include_documents", "snippets", "mode"])
    static let maximumLimit = 1000

    /// The search and its `mode` (`text`, `vector`, `hybrid`; absent: as the members say).
    static func search(_ body: JSONValue) throws -> (query: EngineQuery, mode: SearchMode?) {
        let input = try JSONInput(body)
        var mode: SearchMode?
        if let name = try input.string("mode") {
            guard let parsed = SearchMode(rawValue: name) else { throw APIError.badRequest("$.mode: text, vector or hybrid", field: "$.mode") }
            mode = parsed
        }
        return (try query(body), mode)
    }

    static func query(_ body: JSONValue) throws -> EngineQuery {
        let input = try JSONInput(body)
        try input.only(members)
        var q = try match(input)
        if let limit = try input.int("limit") {
            guard limit >= 1 else { throw APIError.badRequest("$.limit: 1 to \(maximumLimit)", field: "$.limit") }
            guard limit <= maximumLimit else { throw APIError.limit("$.limit: at most \(maximumLimit) hits a page") }
            q.limit = limit
        }
        if let s = try input.string("sort"), s != "score" {
            q.sort = s.hasPrefix("-") ? .field(String(s.dropFirst()), descending: true) : .field(s, descending: false)
        }
        q.searchAfter = try input.string("cursor")
        q.includeDocuments = try input.bool("include_documents") ?? true
        q.snippetFields = try input.strings("snippets") ?? []
        return q
    }

    /// The selecting members of `input` (the caller has checked for unknown ones).
    static func match(_ input: JSONInput) throws -> EngineQuery {
        var q = EngineQuery(text: try input.string("text"))
        q.textField = try input.string("text_field")
        if let name = try input.string("syntax") {
            guard let parsed = TextSyntax(rawValue: name) else {
                throw APIError.badRequest("$.syntax: \"match\" (any text, the default) or \"query_string\"", field: "$.syntax")
            }
            q.syntax = parsed
        }
        q.vectorField = try input.string("vector_field")
        q.nprobe = try input.int("nprobe", in: 1...EngineQuery.maximumSearchEffort)
        q.efSearch = try input.int("ef_search", in: 1...EngineQuery.maximumSearchEffort)
        q.vector = try vector(input)
        for (i, item) in (try input.array("filters") ?? []).enumerated() {
            q.filters.append(try filter(JSONInput(item, path: "$.filters[\(i)]")))
        }
        if let f = try input.object("fusion") { try fusion(f, into: &q) }
        return q
    }

    static func vector(_ input: JSONInput) throws -> [Float]? {
        guard let items = try input.array("vector") else { return nil }
        guard !items.isEmpty else { throw APIError.badRequest("$.vector: an array of numbers", field: "$.vector") }
        return try items.enumerated().map { i, x in
            guard let d = x.doubleValue else { throw APIError.badRequest("$.vector[\(i)]: a number", field: "$.vector[\(i)]") }
            return Float(d)
        }
    }

    /// `{"field", "equals": s}`, `{"field", "in": [s…]}`, `{"field", "from"?, "to"?}` (integers
    /// or RFC 3339 times) or `{"field", "exists": true}`.
    static func filter(_ f: JSONInput) throws -> QueryFilter {
        try f.only(["field", "equals", "in", "from", "to", "exists"])
        guard let field = try f.string("field") else { throw APIError.badRequest("\(f.path).field: required", field: "\(f.path).field") }
        if let v = try f.string("equals") { return .equals(field: field, value: v) }
        if let vs = try f.strings("in") { return .oneOf(field: field, values: vs) }
        if f.has("from") || f.has("to") {
            func bound(_ key: String) throws -> Int64? {
                guard let v = f.value[key], v != .null else { return nil }
                if let i = v.intValue { return Int64(i) }
                if let s = v.stringValue, let t = Timestamp.parse(s) { return t }
                throw APIError.badRequest("\(f.path(of: key)): an integer or an RFC 3339 time", field: f.path(of: key))
            }
            return .range(field: field, from: try bound("from"), to: try bound("to"))
        }
        if try f.bool("exists") == true { return .exists(field: field) }
        throw APIError.badRequest("\(f.path): needs equals, in, from/to or exists: true", field: f.path)
    }

    /// `{"method": "rrf" | "linear", "weights": [text, vector], "k": 60, "normalization": "min_max" | "z_score"}`;
    /// what is left out keeps the engine's default (linear, z_score, [0.7, 0.3]).
    static func fusion(_ f: JSONInput, into q: inout EngineQuery) throws {
        try f.only(["method", "weights", "k", "normalization"])
        var normalization = ScoreNormalization.zScore
        if let name = try f.string("normalization") {
            guard let parsed = ScoreNormalization(rawValue: name) else {
                throw APIError.badRequest("$.fusion.normalization: \"min_max\" or \"z_score\"", field: "$.fusion.normalization")
            }
            normalization = parsed
        }
        switch try f.string("method") {
        case "rrf"?: q.fusion = .rrf
        case nil, "linear"?: q.fusion = .linear(normalization)
        default: throw APIError.badRequest("$.fusion.method: \"rrf\" or \"linear\"", field: "$.fusion.method")
        }
        if let w = try f.array("weights") {
            guard w.count == 2, let t = w[0].doubleValue, let v = w[1].doubleValue, t >= 0, v >= 0, t.isFinite, v.isFinite else {
                throw APIError.badRequest("$.fusion.weights: two numbers ≥ 0, [text, vector]", field: "$.fusion.weights")
            }
            (q.textWeight, q.vectorWeight) = (t, v)
        }
        if let k = try f.int("k", in: 1...10_000) { q.rrfK = k }
    }
}
