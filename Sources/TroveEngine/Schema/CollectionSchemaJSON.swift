import TroveJSON
import TroveStorage
import TroveText
import TroveVector

/// The schema as JSON: what `trove collection create --schema F` reads and what the
/// collection's metadata keeps.
///
///     {"tenant": "owner",
///      "fields": [{"name": "owner", "type": "keyword"},
///                 {"name": "text", "type": "text", "analyzer": "english", "phrases": true},
///                 {"name": "embedding", "type": "vector", "dimension": 384, "metric": "cosine", "index": "flat"},
///                 {"name": "ts", "type": "timestamp"}, {"name": "tokens", "type": "int"}]}
extension CollectionSchema {
    public var json: JSONValue {
        var members: [JSONMember] = []
        if let tenantField { members.append(JSONMember("tenant", .string(tenantField))) }
        members.append(JSONMember("fields", .array(fields.map(Self.json(of:)))))
        return .object(members)
    }

    public var metadata: [UInt8] { Array(JSONWriter.string(json).utf8) }

    private static func json(of f: Field) -> JSONValue {
        var m = [JSONMember("name", .string(f.name))]
        switch f.type {
        case .keyword: m.append(JSONMember("type", .string("keyword")))
        case let .text(a, p):
            m += [JSONMember("type", .string("text")), JSONMember("analyzer", .string(a.rawValue)), JSONMember("phrases", .bool(p))]
        case let .vector(d, metric, index, graph, codes, spill):
            m += [JSONMember("type", .string("vector")), JSONMember("dimension", .int(Int64(d))),
                  JSONMember("metric", .string(metric.rawValue)), JSONMember("index", .string(index.rawValue))]
            if index == .hnsw {
                m += [JSONMember("m", .int(Int64(graph.m))), JSONMember("ef_construction", .int(Int64(graph.efConstruction))),
                      JSONMember("ef_search", .int(Int64(graph.efSearch)))]
            }
            if index == .ivfPQ {
                if let slices = codes.subquantizers { m.append(JSONMember("m", .int(Int64(slices)))) }
                m.append(JSONMember("rerank", .int(Int64(codes.rerank))))
            }
            if index == .ivf { m.append(JSONMember("spill", .double(spill))) }
        case .int: m.append(JSONMember("type", .string("int")))
        case .double: m.append(JSONMember("type", .string("double")))
        case .timestamp: m.append(JSONMember("type", .string("timestamp")))
        }
        if let e = f.embed { m.append(JSONMember("embed", .object([JSONMember("from", .string(e.from)), JSONMember("model", .string(e.model))]))) }
        return .object(m)
    }

    /// Parses a schema, naming the JSON path of whatever is wrong.
    public init(json: JSONValue) throws {
        guard case .object = json else { throw SchemaError.invalid("$: expected an object") }
        var tenant: String?
        switch json["tenant"] {
        case nil, .null?: break
        case let .string(t)?: tenant = t
        default: throw SchemaError.invalid("$.tenant: expected a field name")
        }
        guard case let .array(items)? = json["fields"] else { throw SchemaError.invalid("$.fields: expected an array") }
        let fields = try items.enumerated().map { i, item in try Self.field(item, path: "$.fields[\(i)]") }
        try self.init(fields: fields, tenantField: tenant)
    }

    public init(jsonText: String) throws {
        let value: JSONValue
        do { value = try JSONParser.parse(jsonText) } catch { throw SchemaError.invalid("not JSON: \(error)") }
        try self.init(json: value)
    }

    private static func field(_ item: JSONValue, path: String) throws -> Field {
        func string(_ key: String) throws -> String? {
            switch item[key] {
            case nil: return nil
            case let .string(s)?: return s
            default: throw SchemaError.invalid("\(path).\(key): expected a string")
            }
        }
        guard let name = try string("name") else { throw SchemaError.invalid("\(path).name: required") }
        var field = try typedField(name, item, path: path)
        field.embed = try embedSource(item["embed"], path: path + ".embed")
        return field
    }

    /// `"embed": {"from": FIELD, "model": NAME}`, both required and nothing else.
    private static func embedSource(_ value: JSONValue?, path: String) throws -> EmbedSource? {
        guard let value else { return nil }
        guard case let .object(members) = value else { throw SchemaError.invalid("\(path): expected {\"from\": a text field, \"model\": a model name}") }
        for m in members where m.key != "from" && m.key != "model" { throw SchemaError.invalid("\(path).\(m.key): unknown member (from, model)") }
        guard case let .string(from)? = value["from"], !from.isEmpty else { throw SchemaError.invalid("\(path).from: the name of a text field") }
        guard case let .string(model)? = value["model"], !model.isEmpty else { throw SchemaError.invalid("\(path).model: a model name such as all-MiniLM-L6-v2") }
        return EmbedSource(from: from, model: model)
    }

    private static func typedField(_ name: String, _ item: JSONValue, path: String) throws -> Field {
        func string(_ key: String) throws -> String? {
            switch item[key] {
            case nil: return nil
            case let .string(s)?: return s
            default: throw SchemaError.invalid("\(path).\(key): expected a string")
            }
        }
        switch try string("type") {
        case "keyword": return Field(name, .keyword)
        case "text":
            let analyzerName = try string("analyzer") ?? "english"
            guard let analyzer = Analyzer(rawValue: analyzerName) else { throw SchemaError.invalid("\(path).analyzer: standard, english or keyword") }
            var phrases = true
            if let p = item["phrases"] {
                guard case let .bool(b) = p else { throw SchemaError.invalid("\(path).phrases: expected true or false") }
                phrases = b
            }
            return Field(name, .text(analyzer: analyzer, phrases: phrases))
        case "vector":
            guard case let .int(d)? = item["dimension"], d > 0, d <= 65_536 else { throw SchemaError.invalid("\(path).dimension: an integer in 1...65536") }
            guard let metric = VectorMetric(rawValue: try string("metric") ?? "cosine") else { throw SchemaError.invalid("\(path).metric: ip, cosine or l2") }
            guard let index = VectorFieldSpec.IndexKind(rawValue: try string("index") ?? "flat") else { throw SchemaError.invalid("\(path).index: flat, ivf, ivf-sq8, ivf-pq or hnsw") }
            if index == .ivfPQ {
                return Field(name, .vector(dimension: Int(d), metric: metric, index: index, codes: try codeParameters(item, dimension: Int(d), path: path)))
            }
            return Field(name, .vector(dimension: Int(d), metric: metric, index: index, graph: try graphParameters(item, index: index, path: path),
                                       spill: try spillShare(item, index: index, path: path)))
        case "int": return Field(name, .int)
        case "double": return Field(name, .double)
        case "timestamp": return Field(name, .timestamp)
        case let other: throw SchemaError.invalid("\(path).type: keyword, text, vector, int, double or timestamp (got \(other ?? "nothing"))")
        }
    }

    /// `m`, `ef_construction` and `ef_search` of an `hnsw` field (hnswlib's defaults when
    /// absent); refused on other index kinds, where they would be silently meaningless.
    private static func graphParameters(_ item: JSONValue, index: VectorFieldSpec.IndexKind, path: String) throws -> HNSWParameters {
        var p = HNSWParameters.defaults
        if item["rerank"] != nil { throw SchemaError.invalid("\(path).rerank: only for index ivf-pq") }
        let keys: [(String, WritableKeyPath<HNSWParameters, Int>, ClosedRange<Int>)] = [
            ("m", \.m, HNSWParameters.mRange), ("ef_construction", \.efConstruction, HNSWParameters.efRange), ("ef_search", \.efSearch, HNSWParameters.efRange),
        ]
        for (key, keyPath, range) in keys {
            guard let value = item[key] else { continue }
            guard index == .hnsw else { throw SchemaError.invalid("\(path).\(key): only for index hnsw\(key == "m" ? " or ivf-pq" : "")") }
            guard case let .int(v) = value, range.contains(Int(v)) else {
                throw SchemaError.invalid("\(path).\(key): an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            p[keyPath: keyPath] = Int(v)
        }
        return p
    }

    /// `spill` of an `ivf` field: the share of rows also listed in a neighbouring list,
    /// 0 to 1. Refused elsewhere: SQ8 and PQ lists hold codes that spilling does not cover.
    private static func spillShare(_ item: JSONValue, index: VectorFieldSpec.IndexKind, path: String) throws -> Double {
        guard let value = item["spill"] else { return SpilledRows.defaultFraction }
        guard index == .ivf else { throw SchemaError.invalid("\(path).spill: only for index ivf") }
        let share: Double? = switch value {
        case let .int(v): Double(v)
        case let .double(v): v
        default: nil
        }
        guard let share, SpilledRows.fractionRange.contains(share) else { throw SchemaError.invalid("\(path).spill: a number from 0 to 1") }
        return share
    }

    /// `m` (bytes per row, dividing the dimension) and `rerank` of an `ivf-pq` field.
    private static func codeParameters(_ item: JSONValue, dimension: Int, path: String) throws -> PQParameters {
        var p = PQParameters.defaults
        if let value = item["m"] {
            guard case let .int(v) = value, ProductQuantizer.valid(subquantizers: Int(v), dimension: dimension) else {
                throw SchemaError.invalid("\(path).m: an integer that divides the dimension \(dimension)")
            }
            p.subquantizers = Int(v)
        }
        if let value = item["rerank"] {
            guard case let .int(v) = value, PQParameters.rerankRange.contains(Int(v)) else {
                throw SchemaError.invalid("\(path).rerank: an integer in \(PQParameters.rerankRange.lowerBound)...\(PQParameters.rerankRange.upperBound)")
            }
            p.rerank = Int(v)
        }
        if item["spill"] != nil { throw SchemaError.invalid("\(path).spill: only for index ivf") }
        for key in ["ef_construction", "ef_search"] where item[key] != nil {
            throw SchemaError.invalid("\(path).\(key): only for index hnsw")
        }
        return p
    }

    /// The schema in a collection's metadata (nil when it holds none).
    public static func fromMetadata(_ metadata: [UInt8]) -> CollectionSchema? {
        guard !metadata.isEmpty, let json = try? JSONParser.parse(metadata) else { return nil }
        return try? CollectionSchema(json: json)
    }
}
