import TroveEngine
import TroveJSON

/// The body of `POST /api/collections/{name}/_aggregate`: the search body's selecting
/// members, then
/// `"group_by": [{"field": "kind"}, {"field": "ts", "interval": "day" | "hour"}]`,
/// `"metrics": [{"sum" | "avg" | "min" | "max": "field"}]`, `"order": "key" | "count"`
/// (count: largest first) and `"size"` (buckets answered, 1 to 10,000, default 1,000).
struct AggregateRequest {
    static let maximumSize = 10_000
    static let maximumGroups = 4
    static let maximumMetrics = 16

    var query: EngineQuery
    var aggregation: Aggregation
    var byCount: Bool
    var size: Int

    init(_ body: JSONValue) throws {
        let input = try JSONInput(body)
        try input.only(SearchRequest.matchMembers.union(["group_by", "metrics", "order", "size"]))
        query = try SearchRequest.match(input)
        var groups: [Aggregation.Group] = []
        let groupItems = try input.array("group_by") ?? []
        guard groupItems.count <= Self.maximumGroups else { throw APIError.badRequest("$.group_by: at most \(Self.maximumGroups) fields", field: "$.group_by") }
        for (i, item) in groupItems.enumerated() {
            let g = try JSONInput(item, path: "$.group_by[\(i)]")
            try g.only(["field", "interval"])
            let field = try g.requiredString("field")
            switch try g.string("interval") {
            case nil: groups.append(.keyword(field))
            case let name?:
                guard let bucket = Aggregation.TimeBucket(rawValue: name) else {
                    throw APIError.badRequest("\(g.path(of: "interval")): day or hour", field: g.path(of: "interval"))
                }
                groups.append(.time(field, bucket))
            }
        }
        var metrics: [Aggregation.Metric] = []
        let metricItems = try input.array("metrics") ?? []
        guard metricItems.count <= Self.maximumMetrics else { throw APIError.badRequest("$.metrics: at most \(Self.maximumMetrics)", field: "$.metrics") }
        for (i, item) in metricItems.enumerated() {
            let m = try JSONInput(item, path: "$.metrics[\(i)]")
            try m.only(["sum", "avg", "min", "max"])
            guard let op = m.value.objectValue?.first?.key, m.value.objectValue?.count == 1, let field = try m.string(op) else {
                throw APIError.badRequest("\(m.path): one of {\"sum\" | \"avg\" | \"min\" | \"max\": field}", field: m.path)
            }
            switch op {
            case "sum": metrics.append(.sum(field))
            case "avg": metrics.append(.avg(field))
            case "min": metrics.append(.min(field))
            default: metrics.append(.max(field))
            }
        }
        aggregation = Aggregation(groupBy: groups, metrics: metrics)
        switch try input.string("order") {
        case nil, "key"?: byCount = false
        case "count"?: byCount = true
        default: throw APIError.badRequest("$.order: key or count", field: "$.order")
        }
        size = try input.int("size", in: 1...Self.maximumSize) ?? 1_000
    }

    /// The answer: buckets (keys by field name, metrics as `op:field`) in the order asked,
    /// at most `size` of them, and how many there were.
    func answer(_ buckets: [AggregateBucket]) -> JSONValue {
        let ordered = byCount ? buckets.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }.map(\.element) : buckets
        let names = aggregation.groupBy.map { g -> String in
            switch g { case let .keyword(f): return f; case let .time(f, _): return f }
        }
        let metricNames = aggregation.metrics.map { m -> String in
            switch m { case let .sum(f): return "sum:" + f; case let .avg(f): return "avg:" + f; case let .min(f): return "min:" + f; case let .max(f): return "max:" + f }
        }
        let items: [JSONValue] = ordered.prefix(size).map { b in
            .object([("key", .object(zip(names, b.key).map { JSONMember($0, .string($1)) })), ("count", .int(Int64(b.count))),
                     ("metrics", .object(zip(metricNames, b.values).map { JSONMember($0, $1.map(JSONValue.double) ?? .null) }))])
        }
        return .object([("object", .string("aggregation")), ("buckets", .array(items)), ("total_buckets", .int(Int64(buckets.count)))])
    }
}
