import TroveText

/// Numbers over the documents a query matches, grouped by keyword values and/or time
/// buckets. Token usage per conversation per day:
/// `Aggregation(groupBy: [.keyword("conversation_id"), .time("created_at", .day)],
/// metrics: [.sum("total_tokens")])`.
public struct Aggregation: Sendable, Equatable {
    public enum TimeBucket: String, Sendable, Equatable {
        case hour, day
        var microseconds: Int64 { self == .hour ? 3_600_000_000 : 86_400_000_000 }
    }

    public enum Group: Sendable, Equatable {
        case keyword(String)
        /// UTC buckets of a timestamp field, keyed "YYYY-MM-DD" or "YYYY-MM-DDTHH:00Z".
        case time(String, TimeBucket)
    }

    public enum Metric: Sendable, Equatable {
        case sum(String), avg(String), min(String), max(String)

        var field: String {
            switch self { case let .sum(f), let .avg(f), let .min(f), let .max(f): return f }
        }
    }

    /// Documents lacking a grouping field are left out (they belong to no bucket).
    public var groupBy: [Group]
    public var metrics: [Metric]

    public init(groupBy: [Group] = [], metrics: [Metric] = []) {
        self.groupBy = groupBy
        self.metrics = metrics
    }
}

/// One group: its key (one string per `groupBy` entry), how many documents it holds,
/// and each metric's value (nil when no document of the group has the field).
public struct AggregateBucket: Sendable, Equatable {
    public var key: [String]
    public var count: Int
    public var values: [Double?]

    public init(key: [String], count: Int, values: [Double?]) {
        self.key = key
        self.count = count
        self.values = values
    }
}

/// Runs an aggregation over candidates.
struct AggregationRun {
    private enum KeyPart: Hashable, Comparable {
        case text(String)
        case bucket(Int64)
    }

    private struct Accumulator {
        var count = 0
        var sums: [Double]
        var seen: [Int]
        var minima: [Double]
        var maxima: [Double]

        init(metrics: Int) {
            sums = Array(repeating: 0, count: metrics)
            seen = Array(repeating: 0, count: metrics)
            minima = Array(repeating: .infinity, count: metrics)
            maxima = Array(repeating: -.infinity, count: metrics)
        }
    }

    let aggregation: Aggregation
    let schema: CollectionSchema

    func check() throws {
        for g in aggregation.groupBy {
            switch g {
            case let .keyword(f) where schema.field(f)?.type != .keyword:
                throw EngineError.badQuery("cannot group by '\(f)': not a keyword field")
            case let .time(f, _) where schema.field(f)?.type != .timestamp:
                throw EngineError.badQuery("cannot bucket by '\(f)': not a timestamp field")
            default: break
            }
        }
        for m in aggregation.metrics {
            switch schema.field(m.field)?.type {
            case .int?, .double?, .timestamp?: continue
            default: throw EngineError.badQuery("cannot aggregate '\(m.field)': not a numeric field")
            }
        }
    }

    func run(_ candidates: Candidates, text: TextSearcher) throws -> [AggregateBucket] {
        try check()
        let keywordReaders = try aggregation.groupBy.map { g -> KeywordReader? in
            if case let .keyword(f) = g { return try candidates.keywords(f, text: text) }
            return nil
        }
        let timeReaders = try aggregation.groupBy.map { g -> NumberReader? in
            if case let .time(f, _) = g { return try candidates.numbers(f, text: text) }
            return nil
        }
        let metricReaders = try aggregation.metrics.map { try candidates.numbers($0.field, text: text) }
        var groups: [[KeyPart]: Accumulator] = [:]
        next: for item in candidates.items {
            var key: [KeyPart] = []
            for (i, g) in aggregation.groupBy.enumerated() {
                if let k = keywordReaders[i]?.value(item) {
                    key.append(.text(k))
                } else if case let .time(_, bucket) = g, let t = timeReaders[i]?.sortable(item) {
                    key.append(.bucket(Self.floorDiv(t, bucket.microseconds)))
                } else {
                    continue next
                }
            }
            var acc = groups[key] ?? Accumulator(metrics: metricReaders.count)
            acc.count += 1
            for (m, reader) in metricReaders.enumerated() {
                guard let v = reader.number(item) else { continue }
                acc.sums[m] += v
                acc.seen[m] += 1
                acc.minima[m] = Swift.min(acc.minima[m], v)
                acc.maxima[m] = Swift.max(acc.maxima[m], v)
            }
            groups[key] = acc
        }
        return groups.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, acc in
            AggregateBucket(key: zip(key, aggregation.groupBy).map(Self.label), count: acc.count, values: aggregation.metrics.indices.map { m in
                guard acc.seen[m] > 0 else { return nil }
                switch aggregation.metrics[m] {
                case .sum: return acc.sums[m]
                case .avg: return acc.sums[m] / Double(acc.seen[m])
                case .min: return acc.minima[m]
                case .max: return acc.maxima[m]
                }
            })
        }
    }

    private static func label(_ part: KeyPart, _ group: Aggregation.Group) -> String {
        switch (part, group) {
        case let (.text(s), _): return s
        case let (.bucket(b), .time(_, bucket)): return UTCDate.label(bucketStart: b * bucket.microseconds, hour: bucket == .hour)
        case let (.bucket(b), _): return String(b)
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// UTC calendar dates from microseconds since 1970, without Foundation (civil-from-days,
/// proleptic Gregorian).
enum UTCDate {
    static func label(bucketStart us: Int64, hour: Bool) -> String {
        let day = AggregationRun.floorDiv(us, 86_400_000_000)
        let (y, m, d) = civil(fromDays: day)
        let date = "\(y)-\(pad(m))-\(pad(d))"
        guard hour else { return date }
        let h = (us - day * 86_400_000_000) / 3_600_000_000
        return date + "T\(pad(h)):00Z"
    }

    private static func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
