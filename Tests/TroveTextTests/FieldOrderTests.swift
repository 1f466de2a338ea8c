import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveText

/// Text searches sorted by a column — read window by window, best values first, over
/// segments and chunks of unflushed documents — against the reference: every match of
/// the unsorted exhaustive search, ordered by value.
@Suite(.ownThread) struct FieldOrderTests {
    /// 6,000 documents: two segments and 1,500 unflushed entries (two full chunks and a
    /// partial one); timestamps rise with the id, except every seventh document, which
    /// gets a value from anywhere in the range (off the multiples of 6,000 the others hold,
    /// so values stay unique), and every thirteenth, which has none.
    static func fill(_ store: Store) throws -> [String: Document] {
        var docs = TextSearchTests.corpus(6000, seed: 11)
        var rng = SplitMix64(state: 12)
        for i in docs.indices {
            var fields = docs[i].fields.filter { $0.name != "ts" }
            if i % 13 != 0 {
                let ts = 1_000_000 + (i % 7 == 0 ? Int64(rng.next() % 6000) * 6000 + Int64(i % 5999) + 1 : Int64(i) * 6000)
                fields.append(Field("ts", .int(ts)))
            }
            docs[i] = Document(id: docs[i].id, fields: fields)
        }
        try TextSearchTests.put(store, docs[0..<2500])
        try store.flush()
        try TextSearchTests.put(store, docs[2500..<4500])
        try store.flush()
        try TextSearchTests.put(store, docs[4500...])
        var live = Dictionary(uniqueKeysWithValues: docs.map { ($0.id, $0) })
        // Deletes and rewrites on both sides of the flush (rewritten: a newer timestamp).
        for i in stride(from: 3, to: 6000, by: 97) {
            try store.delete(id: "d\(i)", in: "docs")
            live["d\(i)"] = nil
        }
        for i in stride(from: 5, to: 6000, by: 89) where live["d\(i)"] != nil {
            let doc = Document(id: "d\(i)", fields: [Field("text", .string("river rewritten")), Field("ts", .int(900_000_000 + Int64(i)))])
            try TextSearchTests.put(store, [doc][...])
            live["d\(i)"] = doc
        }
        return live
    }

    static func value(_ doc: Document?) -> Int64? {
        if case let .int(v)? = doc?["ts"] { return v }
        return nil
    }

    @Test func windowedTopKEqualsOrderingEveryMatch() throws {
        let dir = TempDirectory()
        let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
        let live = try Self.fill(store)
        let snapshot = try store.snapshot()
        #expect(try snapshot.unflushedEntries(in: "docs").count > 2 * UnflushedChunks.size)
        let even = DocumentFilter(segment: { segment in
            let reader = segment.reader
            var rows = RowSet(capacity: reader.docCount)
            for o in 0..<reader.docCount where (Int(try reader.id(at: o).dropFirst()) ?? 1) % 2 == 0 { rows.insert(o) }
            return rows
        }, document: { (Int($0.id.dropFirst()) ?? 1) % 2 == 0 })
        // Allows 1 document in 37, under 1/16 of a segment: scans leapfrog its rows.
        let sparse = DocumentFilter(segment: { segment in
            let reader = segment.reader
            var rows = RowSet(capacity: reader.docCount)
            for o in 0..<reader.docCount where (Int(try reader.id(at: o).dropFirst()) ?? 1) % 37 == 0 { rows.insert(o) }
            return rows
        }, document: { (Int($0.id.dropFirst()) ?? 1) % 37 == 0 })
        for query in ["river", "river stone", "quiet -river", "+garden window", "\"river stone\"", "rewritten"] {
            for descending in [true, false] {
                for (range, filter) in [(nil, nil), ((Int64(5_000_000), Int64(20_000_000)), nil), ((Int64(30_000_000), Int64(950_000_000)), nil), (nil, even), (nil, sparse),
                                      ((Int64(5_000_000), Int64(950_000_000)), sparse)] as [((Int64, Int64)?, DocumentFilter?)] {
                    var all = TextSearchOptions(limit: 100_000)
                    all.filter = filter
                    all.range = range.map { ("ts", $0.0, $0.1) }
                    let every = try searcher.search(snapshot, collection: "docs", queryString: query, options: all)
                    let expected = every.compactMap { hit in Self.value(live[hit.id]).map { (hit.id, $0) } }
                        .sorted { descending ? $0.1 > $1.1 : $0.1 < $1.1 }
                    #expect(every.allSatisfy { live[$0.id] != nil })
                    if filter != nil {
                        // The filtered matches are the unfiltered ones the filter allows.
                        var unfiltered = all
                        unfiltered.filter = nil
                        let allowed = try searcher.search(snapshot, collection: "docs", queryString: query, options: unfiltered)
                            .filter { live[$0.id].map { d in filter?.document(d) ?? true } ?? false }
                        #expect(Set(every.map(\.id)) == Set(allowed.map(\.id)), "\(query) filtered")
                    }
                    for k in [1, 10, 250] {
                        var sorted = all
                        sorted.limit = k
                        sorted.sortBy = ("ts", descending)
                        let hits = try searcher.search(snapshot, collection: "docs", queryString: query, options: sorted)
                        #expect(hits.map(\.id) == expected.prefix(k).map(\.0), "\(query) k=\(k) desc=\(descending) range=\(String(describing: range))")
                        #expect(hits.map(\.sortValue) == expected.prefix(k).map(\.1))
                    }
                }
            }
        }
        try store.close()
    }

    @Test func unflushedChunksScoreAsTheSameDocumentsFlushed() throws {
        let dir = TempDirectory()
        let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
        let docs = TextSearchTests.corpus(1300, seed: 21)
        try TextSearchTests.put(store, docs[...])
        let before = try searcher.search(store.snapshot(), collection: "docs", queryString: "river engine", options: .init(limit: 50))
        // A second query on the same snapshot reuses the chunks; a write adds to the tail.
        #expect(try searcher.search(store.snapshot(), collection: "docs", queryString: "river engine", options: .init(limit: 50)) == before)
        try store.flush()
        let after = try searcher.search(store.snapshot(), collection: "docs", queryString: "river engine", options: .init(limit: 50))
        #expect(before.map(\.id) == after.map(\.id))
        for (b, a) in zip(before, after) { #expect(abs(b.score - a.score) < 1e-4) }
        try TextSearchTests.put(store, [Document(id: "late", fields: [Field("text", .string("river river engine")), Field("ts", .int(1))])][...])
        let withLate = try searcher.search(store.snapshot(), collection: "docs", queryString: "river engine", options: .init(limit: 50))
        #expect(withLate.contains { $0.id == "late" })
        try store.close()
    }

    @Test func seekMovesCursorsBothWays() throws {
        let dir = TempDirectory()
        let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
        try TextSearchTests.put(store, TextSearchTests.corpus(3000, seed: 31)[...])
        try store.flush()
        let segment = try #require(try store.snapshot().segments(of: "docs").first)
        let index = try #require(try searcher.columns(segment).indexes()[0])
        let info = try #require(try index.dictionary.lookup(Array("river".utf8)))
        let arena = QueryArena()
        var all = try index.cursor(info, arena: arena)
        var docs: [Int] = []
        try all.next()
        while all.doc != Int.max { docs.append(all.doc); try all.next() }
        var cursor = try index.cursor(info, arena: arena)
        try cursor.next()
        var rng = SplitMix64(state: 3)
        for _ in 0..<500 {
            let target = Int(rng.next() % 3100)
            try cursor.seek(to: target)
            #expect(cursor.doc == (docs.first { $0 >= target } ?? Int.max), "seek to \(target)")
        }
        withExtendedLifetime(arena) {}
        try store.close()
    }
}
