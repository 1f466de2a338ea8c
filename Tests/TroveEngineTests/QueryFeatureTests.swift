import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveEngine

/// Sorting, cursors, counts, aggregations, exists, snippets and partial updates, each
/// checked against a brute-force answer over documents spread across segments and the
/// memtable.
@Suite struct QueryFeatureTests {
    static let schema = """
        {"tenant": "owner", "fields": [{"name": "owner", "type": "keyword"}, {"name": "conversation", "type": "keyword"},
         {"name": "text", "type": "text", "analyzer": "english", "phrases": true},
         {"name": "embedding", "type": "vector", "dimension": 4, "metric": "cosine", "index": "flat"},
         {"name": "ts", "type": "timestamp"}, {"name": "tokens", "type": "int"}, {"name": "cost", "type": "double"}]}
        """
    static let day: Int64 = 86_400_000_000
    static let words = ["solar", "panel", "battery", "wind", "turbine", "grid", "storage", "running"]

    struct Message {
        var id: String, owner: String, conversation: String, text: String, ts: Int64, tokens: Int64?, cost: Double
        var document: Document {
            var f = [Field("owner", .string(owner)), Field("conversation", .string(conversation)), Field("text", .string(text)),
                     Field("ts", .timestamp(ts)), Field("cost", .double(cost))]
            if let tokens { f.append(Field("tokens", .int(tokens))) }
            return Document(id: id, fields: f)
        }
    }

    /// 300 messages of two owners in 3 segments and the memtable; some without tokens.
    static func fill(_ db: Database) async throws -> [Message] {
        try db.createCollection("m", schema: try CollectionSchema(jsonText: schema))
        var rng = SplitMix64(state: 5)
        var all: [Message] = []
        for round in 0..<4 {
            var batch: [String: [Message]] = [:]
            for i in 0..<75 {
                let owner = i % 3 == 0 ? "bob" : "ann"
                let text = (0..<3).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
                // Timestamps repeat (ties decided by id) and span four days.
                let ts = 1_763_683_200_000_000 + Int64(rng.next() % 40) * 2 * 3_600_000_000
                let m = Message(id: "m\(round)-\(i)", owner: owner, conversation: "c\(rng.next() % 4)", text: text, ts: ts,
                                tokens: i % 10 == 0 ? nil : Int64(rng.next() % 500), cost: Double(rng.next() % 100) / 8)
                batch[owner, default: []].append(m)
                all.append(m)
            }
            for (owner, ms) in batch { try await db.put(ms.map(\.document), in: "m", tenant: owner) }
            if round < 3 { try db.store.flush() }
        }
        return all
    }

    @Test func sortsByFieldWithMissingLastAndTiesById() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let all = try await Self.fill(db)
        for descending in [true, false] {
            var q = EngineQuery(limit: 1000)
            q.sort = .field("tokens", descending: descending)
            let hits = try await db.search(q, in: "m", tenant: "ann").hits
            let expected = all.filter { $0.owner == "ann" }.sorted { a, b in
                switch (a.tokens, b.tokens) {
                case let (x?, y?) where x != y: return descending ? x > y : x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: return a.id < b.id
                }
            }
            #expect(hits.map(\.id) == expected.map(\.id))
            #expect(hits.map(\.sortValue) == expected.map(\.tokens))
        }
        try db.close()
    }

    /// Pages of a field sort, with writes (new documents, deletes) between pages: every
    /// document that existed throughout comes exactly once, in order.
    @Test func fieldCursorPagesEveryHitOnceWhileWritesGoOn() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let all = try await Self.fill(db)
        var q = EngineQuery(text: "solar OR wind OR grid", limit: 7)
        q.sort = .field("ts", descending: true)
        var seen: [String] = [], values: [Int64?] = [], page = 0
        repeat {
            let result = try await db.search(q, in: "m", tenant: "ann")
            seen += result.hits.map(\.id)
            values += result.hits.map(\.sortValue)
            q.searchAfter = result.cursor
            // Writes between pages: a new matching message, and a flush now and then.
            try await db.put(Message(id: "new\(page)", owner: "ann", conversation: "c9", text: "solar", ts: Int64(page), tokens: 1, cost: 0).document, in: "m", tenant: "ann")
            if page % 3 == 0 { try db.store.flush() }
            page += 1
        } while q.searchAfter != nil
        let stable = Set(all.filter { $0.owner == "ann" && ["solar", "wind", "grid"].contains(where: $0.text.contains) }.map(\.id))
        #expect(Set(seen).count == seen.count, "a hit came twice")
        #expect(stable.isSubset(of: Set(seen)))
        #expect(zip(values, values.dropFirst()).allSatisfy { ($0 ?? .min) >= ($1 ?? .min) })
        try db.close()
    }

    /// A text query sorted by a field, paged with cursors, gives exactly every match in
    /// the brute-force order: by value (ties by id, timestamps repeat), documents without
    /// a value last — whichever way the engine finds each page (a top-k by the column
    /// with the ties of the page's last value, or ordering every match).
    @Test func textSortedByFieldPagesEqualTheBruteForceOrder() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let all = try await Self.fill(db)
        let queries: [(text: String, matches: (String) -> Bool)] = [
            ("solar", { $0.contains("solar") }),
            ("solar -wind", { $0.contains("solar") && !$0.contains("wind") }),
            ("grid battery", { $0.contains("grid") || $0.contains("battery") }),
        ]
        for (text, matches) in queries {
            for (field, descending) in [("ts", true), ("ts", false), ("tokens", true), ("tokens", false)] {
                for window in [nil, (Self.day, 3 * Self.day)] as [(Int64, Int64)?] {
                    var q = EngineQuery(text: text, limit: 6)
                    q.syntax = .queryString
                    q.sort = .field(field, descending: descending)
                    let start: Int64 = 1_763_683_200_000_000
                    if let window { q.filters = [.range(field: "ts", from: start + window.0, to: start + window.1)] }
                    var paged: [EngineHit] = []
                    repeat {
                        let page = try await db.search(q, in: "m", tenant: "ann")
                        paged += page.hits
                        q.searchAfter = page.cursor
                    } while q.searchAfter != nil
                    let value = { (m: Message) -> Int64? in field == "ts" ? m.ts : m.tokens }
                    let expected = all.filter { m in
                        m.owner == "ann" && matches(m.text) && window.map { m.ts >= start + $0.0 && m.ts < start + $0.1 } ?? true
                    }.sorted { a, b in
                        switch (value(a), value(b)) {
                        case let (x?, y?) where x != y: return descending ? x > y : x < y
                        case (nil, _?): return false
                        case (_?, nil): return true
                        default: return a.id < b.id
                        }
                    }
                    #expect(paged.map(\.id) == expected.map(\.id), "\(text) by \(field) \(descending ? "desc" : "asc") window \(String(describing: window))")
                    #expect(paged.map(\.sortValue) == expected.map(value))
                }
            }
        }
        try db.close()
    }

    /// Score-ordered pages come from the snapshot of the first page: together they are
    /// exactly the one-shot result, whatever was written in between.
    @Test func scoreCursorPagesThePinnedSnapshot() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        _ = try await Self.fill(db)
        let oneShot = try await db.search(EngineQuery(text: "solar panel battery", limit: 1000), in: "m", tenant: "ann").hits
        var q = EngineQuery(text: "solar panel battery", limit: 9)
        var paged: [EngineHit] = []
        repeat {
            let result = try await db.search(q, in: "m", tenant: "ann")
            paged += result.hits
            q.searchAfter = result.cursor
            try await db.put(Message(id: "x\(paged.count)", owner: "ann", conversation: "c1", text: "solar solar panel", ts: 0, tokens: 1, cost: 0).document, in: "m", tenant: "ann")
        } while q.searchAfter != nil
        #expect(paged == oneShot)
        #expect(oneShot.count > 30)
        try db.close()
    }

    @Test func countsMatchBruteForce() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let all = try await Self.fill(db)
        let ann = all.filter { $0.owner == "ann" }
        #expect(try await db.count(EngineQuery(), in: "m", tenant: "ann") == ann.count)
        #expect(try await db.count(EngineQuery(text: "turbine"), in: "m", tenant: "ann") == ann.filter { $0.text.contains("turbine") }.count)
        let from = ann[0].ts, to = from + Self.day
        let q = EngineQuery(text: "wind grid", filters: [.range(field: "ts", from: from, to: to), .exists(field: "tokens")])
        let expected = ann.filter { ($0.text.contains("wind") || $0.text.contains("grid")) && $0.ts >= from && $0.ts < to && $0.tokens != nil }
        #expect(try await db.count(q, in: "m", tenant: "ann") == expected.count)
        #expect(try await db.search({ var q2 = q; q2.limit = 500; return q2 }(), in: "m", tenant: "ann").hits.count == expected.count)
        try db.close()
    }

    /// Token usage per conversation per day, and more metrics, equal a hand computation.
    @Test func aggregationsGroupByKeywordAndDay() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let all = try await Self.fill(db)
        let agg = Aggregation(groupBy: [.keyword("conversation"), .time("ts", .day)], metrics: [.sum("tokens"), .avg("cost"), .min("tokens"), .max("cost")])
        let buckets = try await db.aggregate(EngineQuery(), agg, in: "m", tenant: "bob")
        var expected: [[String]: [Message]] = [:]
        for m in all where m.owner == "bob" {
            expected[[m.conversation, UTCDate.label(bucketStart: m.ts / Self.day * Self.day, hour: false)], default: []].append(m)
        }
        #expect(buckets.map(\.key) == expected.keys.sorted { $0.lexicographicallyPrecedes($1) })
        for b in buckets {
            let ms = expected[b.key] ?? []
            let tokens = ms.compactMap(\.tokens)
            #expect(b.count == ms.count)
            #expect(b.values[0] == (tokens.isEmpty ? nil : Double(tokens.reduce(0, +))))
            #expect(abs((b.values[1] ?? -1) - ms.map(\.cost).reduce(0, +) / Double(ms.count)) < 1e-9)
            #expect(b.values[2] == tokens.min().map(Double.init))
            #expect(b.values[3] == ms.map(\.cost).max())
        }
        #expect(buckets.first?.key.last == "2025-11-21")
        let hourly = try await db.aggregate(EngineQuery(text: "solar"), Aggregation(groupBy: [.time("ts", .hour)]), in: "m", tenant: "bob")
        #expect(hourly.reduce(0) { $0 + $1.count } == all.filter { $0.owner == "bob" && $0.text.contains("solar") }.count)
        #expect(hourly.allSatisfy { $0.key[0].hasSuffix(":00Z") })
        try db.close()
    }

    @Test func existsSnippetsAndPartialUpdate() async throws {
        let dir = TempDirectory()
        let db = try Database.open(at: dir.sub("db"))
        let all = try await Self.fill(db)
        let withoutTokens = all.filter { $0.owner == "ann" && $0.tokens == nil }.count
        let total = try await db.count(EngineQuery(), in: "m", tenant: "ann")
        #expect(try await db.count(EngineQuery(filters: [.exists(field: "tokens")]), in: "m", tenant: "ann") == total - withoutTokens)
        #expect(try await db.count(EngineQuery(filters: [.exists(field: "embedding")]), in: "m", tenant: "ann") == 0)

        try await db.put(Message(id: "long", owner: "ann", conversation: "c1", text: "The wind farm report. Engineers were running tests on the new turbines all week, and the running costs fell.", ts: 0, tokens: 1, cost: 0).document, in: "m", tenant: "ann")
        var q = EngineQuery(text: "runs costs", limit: 1)
        q.snippetFields = ["text"]
        q.snippetOptions.maxLength = 60
        q.includeDocuments = true
        let hit = try #require(try await db.search(q, in: "m", tenant: "ann").hits.first)
        #expect(hit.id == "long" && hit.document?.id == "long")
        let snippet = try #require(hit.snippets["text"])
        #expect(snippet.contains("<em>running</em> <em>costs</em>"), "\(snippet)")
        #expect(snippet.count <= 60 + 2 + 4 * 9)

        #expect(try await db.update("long", in: "m", tenant: "ann", set: [Field("text", .string("calm sea"))], remove: ["tokens"]))
        #expect(try await db.update("long", in: "m", tenant: "bob", set: [Field("text", .string("stolen"))]) == false)
        await #expect(throws: EngineError.tenantMismatch(id: "long")) { try await db.update("long", in: "m", tenant: "ann", set: [Field("owner", .string("bob"))]) }
        let updated = try #require(try await db.get("long", in: "m", tenant: "ann"))
        #expect(updated["text"] == .string("calm sea") && updated["tokens"] == nil && updated["conversation"] == .string("c1"))
        #expect(try await db.search(EngineQuery(text: "turbines"), in: "m", tenant: "ann").hits.contains { $0.id == "long" } == false)
        #expect(try await db.search(EngineQuery(text: "sea"), in: "m", tenant: "ann").hits.map(\.id) == ["long"])
        try db.close()
    }
}
