import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

/// Random tenants, documents (flushed, unflushed, deleted, overwritten) and queries (text,
/// vector, hybrid, with filters, including filters naming another tenant): no hit ever
/// belongs to another tenant, every hit passes the filters, and nothing the tenant owns
/// that matches a filter-only check is missing. Each vector index kind runs; rounds are
/// large enough for IVF and HNSW (which index a segment of at least
/// `VectorFieldSpec.minimumTrainingVectors` rows) to build their structures, and a vector
/// query with filters returns every allowed vector up to its limit.
@Suite(.ownThread) struct IsolationPropertyTests {
    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    static let tenants = ["t0", "t1", "t2", "t3", "t4"]

    @Test(arguments: ["flat", "ivf", "ivf-pq", "hnsw"])
    func noQueryCrossesTenants(index: String) async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        try db.createCollection("m", schema: try CollectionSchema(jsonText: SchemaTests.json.replacingOccurrences(of: "\"index\": \"flat\"", with: "\"index\": \"\(index)\"")))
        let perRound = index == "flat" ? 150 : 1400
        var rng = SplitMix64(state: 77)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        func vector() -> [Float] { (0..<4).map { _ in Float(rng.next() % 1000) / 1000 + 0.001 } }
        var owner: [String: String] = [:]
        var content: [String: (words: Set<String>, ts: Int64)] = [:]
        var withVector: Set<String> = []
        for round in 0..<4 {
            for i in 0..<perRound {
                let id = "d\(round)-\(i)"
                let tenant = pick(Self.tenants)
                let text = (0..<(1 + Int(rng.next() % 6))).map { _ in pick(Self.words) }.joined(separator: " ")
                let ts = Int64(rng.next() % 1000)
                let v = rng.next() % 5 == 0 ? nil : vector()
                try await db.put(TenantTests.doc(id, tenant, text, v, ts: ts), in: "m", tenant: tenant)
                if v != nil { withVector.insert(id) }
                owner[id] = tenant
                content[id] = (Set(text.split(separator: " ").map(String.init)), ts)
            }
            for _ in 0..<20 {
                let id = "d\(round)-\(Int(rng.next() % UInt64(perRound)))"
                if let t = owner[id], try await db.delete(id, in: "m", tenant: t) { owner[id] = nil; content[id] = nil }
            }
            if round < 3 { try db.store.flush() }
        }
        let queries = index == "flat" ? 10_000 : 1_000
        for q in 0..<queries {
            let tenant = pick(Self.tenants)
            var query = EngineQuery(limit: 1 + Int(rng.next() % 20))
            switch q % 5 {
            case 0: query.text = pick(Self.words)
            case 1: query.vector = vector()
            case 2: query.text = "\(pick(Self.words)) \(pick(Self.words))"; query.vector = vector()
            default: if rng.next() % 2 == 0 { query.text = pick(Self.words) }
            }
            var from: Int64?, to: Int64?
            if rng.next() % 3 == 0 { from = Int64(rng.next() % 500); to = from.map { $0 + 400 } }
            if from != nil { query.filters.append(.range(field: "ts", from: from, to: to)) }
            let other = pick(Self.tenants)
            if rng.next() % 4 == 0 { query.filters.append(.oneOf(field: "owner", values: [tenant, other])) }
            if rng.next() % 8 == 0 { query.filters.append(.equals(field: "owner", value: other)) }
            // Counts, aggregates and cursor pages: exactly the tenant's matching documents.
            if q % 5 >= 3 {
                let expected = Set(owner.filter { id, t in
                    guard t == tenant, let c = content[id], query.text.map({ c.words.contains($0) }) ?? true else { return false }
                    if query.filters.contains(where: { if case let .equals(_, v) = $0 { return v != tenant }; return false }) { return false }
                    return from.map { c.ts >= $0 && c.ts < (to ?? .max) } ?? true
                }.keys)
                if q % 5 == 3 {
                    #expect(try await db.count(query, in: "m", tenant: tenant) == expected.count, "count, query \(q)")
                    let buckets = try await db.aggregate(query, Aggregation(groupBy: [.keyword("owner")], metrics: [.sum("ts")]), in: "m", tenant: tenant)
                    #expect(buckets.map(\.key) == (expected.isEmpty ? [] : [[tenant]]), "aggregate, query \(q)")
                    #expect(buckets.first?.values[0] == (expected.isEmpty ? nil : Double(expected.compactMap { content[$0]?.ts }.reduce(0, +))))
                } else {
                    query.sort = .field("ts", descending: rng.next() % 2 == 0)
                    // Each page collects every match again: with ~1,100 per tenant, pages of
                    // one to twenty made this test take minutes. The flat case keeps the small
                    // pages (and their ties at every boundary) on its smaller set.
                    if index != "flat" { query.limit *= 10 }
                    var paged: [String] = []
                    repeat {
                        let page = try await db.search(query, in: "m", tenant: tenant)
                        paged += page.hits.map(\.id)
                        query.searchAfter = page.cursor
                    } while query.searchAfter != nil
                    #expect(paged.count == expected.count && Set(paged) == expected, "cursor pages, query \(q)")
                }
                continue
            }
            let hits = try await db.search(query, in: "m", tenant: tenant).hits
            #expect(hits.count <= query.limit)
            #expect(Set(hits.map(\.id)).count == hits.count)
            for h in hits {
                guard let doc = try db.store.get(h.id, in: "m") else { Issue.record("hit \(h.id) is not a live document"); continue }
                #expect(doc["owner"] == .string(tenant), "query \(q): \(h.id) belongs to \(String(describing: doc["owner"])), asked by \(tenant)")
                if case let .timestamp(ts)? = doc["ts"], let from, let to { #expect(ts >= from && ts < to) }
            }
            let excluded = query.filters.contains(.equals(field: "owner", value: other)) && other != tenant
            if excluded { #expect(hits.isEmpty) }
            // Completeness of single-word text queries: exactly the tenant's matching documents, up to the limit.
            if q % 5 == 0, !excluded, let word = query.text {
                let expected = Set(owner.filter { id, t in
                    guard t == tenant, let c = content[id], c.words.contains(word) else { return false }
                    return from.map { c.ts >= $0 && c.ts < (to ?? .max) } ?? true
                }.keys)
                #expect(hits.count == min(query.limit, expected.count), "query \(q)")
                #expect(Set(hits.map(\.id)).isSubset(of: expected), "query \(q)")
            }
            // Completeness of vector queries: never fewer hits than allowed vectors exist.
            if q % 5 == 1, !excluded {
                let allowed = owner.filter { id, t in
                    guard t == tenant, withVector.contains(id), let c = content[id] else { return false }
                    return from.map { c.ts >= $0 && c.ts < (to ?? .max) } ?? true
                }.count
                #expect(hits.count == min(query.limit, allowed), "\(index) vector query \(q)")
            }
        }
        try db.close()
    }
}
