import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveText

/// Searches through a real store: text sections written at flush, read from segments.
@Suite(.ownThread) struct TextSearchTests {
    static let schema = TextSchema(text: [TextFieldSpec(field: "text", analyzer: .english), TextFieldSpec(field: "title", analyzer: .standard, positions: false)],
                                   numeric: [NumericFieldSpec(field: "ts")])
    static let words = ["river", "stone", "quiet", "garden", "window", "engine", "signal", "harbor", "forest", "copper",
                        "lantern", "meadow", "silver", "thunder", "valley", "orchard", "canyon", "glacier", "ember", "willow"]

    static func open(_ path: String) throws -> (Store, TextSearcher) {
        var o = StoreOptions()
        o.backgroundMerges = false
        o.extensions = [TextSegmentExtension(schema: { name, _ in name == "docs" ? schema : TextSchema() })]
        let store = try Store.open(at: path, options: o)
        if try !store.snapshot().collectionNames.contains("docs") { try store.createCollection("docs") }
        return (store, TextSearcher(schema: schema, defaultField: "text"))
    }

    static func corpus(_ n: Int, seed: UInt64) -> [Document] {
        var rng = SplitMix64(state: seed)
        return (0..<n).map { i in
            let len = 3 + Int(rng.next() % 40)
            // Zipf-like: low word indexes are much more frequent.
            let text = (0..<len).map { _ in words[Int(Double(words.count) * pow(Double(rng.next() % 1000) / 1000, 2.5))] }.joined(separator: " ")
            return Document(id: "d\(i)", fields: [Field("text", .string(text)), Field("title", .string("Title \(words[i % words.count])")), Field("ts", .int(Int64(1000 + i)))])
        }
    }

    static func put(_ store: Store, _ docs: ArraySlice<Document>) throws {
        var b = WriteBatch()
        for d in docs { b.put(d, in: "docs") }
        try store.write(b)
    }

    /// The reference: BM25 computed term by term from the documents themselves.
    static func naive(_ docs: [Document], terms: [String], k: Int) -> [(id: String, score: Float)] {
        let analyzed = docs.map { Analyzer.english.terms(TextValue.text(of: $0["text"]) ?? "") }
        let bm = BM25(documents: docs.count, totalTokens: analyzed.reduce(0) { $0 + $1.count })
        let weights = terms.map { t in bm.idf(df: analyzed.filter { $0.contains(t) }.count) }
        var scored: [(Int, Float)] = []
        for (i, a) in analyzed.enumerated() {
            let length = Float(FieldNorms.decode(FieldNorms.encode(a.count)))
            var total: Float = 0, any = false
            for (j, t) in terms.enumerated() {
                let tf = a.filter { $0 == t }.count
                if tf > 0 { any = true; total += bm.score(weight: weights[j], tf: tf, length: length) }
            }
            if any { scored.append((i, total)) }
        }
        scored.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return scored.prefix(k).map { (docs[$0.0].id, $0.1) }
    }

    @Test func bm25EqualsTheNaiveReferenceAcrossSegmentsAndMemtable() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.open(dir.sub("db"))
        let docs = Self.corpus(900, seed: 1)
        try Self.put(store, docs[0..<400])
        try store.flush()
        try Self.put(store, docs[400..<800])
        try store.flush()
        try Self.put(store, docs[800...])  // unflushed
        for terms in [["river"], ["glacier", "ember"], ["copper", "stone", "willow"]] {
            let hits = try searcher.search(store.snapshot(), collection: "docs", query: .boolean(must: [], should: terms.map { .term($0) }, mustNot: []), options: .init(limit: 15))
            let want = Self.naive(docs, terms: terms, k: 15)
            #expect(hits.map(\.id) == want.map(\.id), "\(terms)")
            for (h, w) in zip(hits, want) { #expect(abs(h.score - w.score) <= 1e-5 * max(1, abs(w.score))) }
        }
        try store.close()
    }

    @Test func pruningReturnsExactlyTheExhaustiveTopK() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.open(dir.sub("db"))
        let docs = Self.corpus(5000, seed: 2)
        try Self.put(store, docs[0..<2500])
        try store.flush()
        try Self.put(store, docs[2500...])
        try store.flush()
        var rng = SplitMix64(state: 9)
        for _ in 0..<60 {
            let n = 1 + Int(rng.next() % 4)
            let terms = (0..<n).map { _ in Self.words[Int(rng.next() % UInt64(Self.words.count))] }
            let q = TextQuery.boolean(must: [], should: terms.map { .term($0) }, mustNot: [])
            let k = [1, 5, 10, 50][Int(rng.next() % 4)]
            let fast = try searcher.search(store.snapshot(), collection: "docs", query: q, options: .init(limit: k))
            let slow = try searcher.search(store.snapshot(), collection: "docs", query: q, options: .init(limit: k), exhaustive: true)
            #expect(fast == slow, "\(terms) k=\(k)")
        }
        try store.close()
    }

    /// Segments spanning several pruning windows, a vocabulary from very common to rare
    /// words, deletes, two fields with boosts and time ranges: the pruned top k must
    /// still be exactly the exhaustive one, scores bit for bit.
    /// Documents whose id "d<n>" has `allowed(n)`, on both sides of a flush.
    static func idFilter(_ allowed: @escaping @Sendable (Int) -> Bool) -> DocumentFilter {
        DocumentFilter(segment: { segment in
            let reader = segment.reader
            var rows = RowSet(capacity: reader.docCount)
            for o in 0..<reader.docCount where allowed(Int(try reader.id(at: o).dropFirst()) ?? -1) { rows.insert(o) }
            return rows
        }, document: { allowed(Int($0.id.dropFirst()) ?? -1) })
    }

    @Test func pruningAcrossWindowsEqualsExhaustive() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.open(dir.sub("db"))
        var rng = SplitMix64(state: 21)
        let vocabulary = (0..<400).map { "q\($0)z" }
        func word() -> String { vocabulary[Int(Double(vocabulary.count) * pow(Double(rng.next() % 10_000) / 10_000, 3))] }
        let docs = (0..<20_000).map { i in
            let text = (0..<(2 + Int(rng.next() % 30))).map { _ in word() }.joined(separator: " ")
            return Document(id: "d\(i)", fields: [Field("text", .string(text)), Field("title", .string(word())), Field("ts", .int(Int64(i)))])
        }
        try Self.put(store, docs[0..<11_000])
        try store.flush()
        try Self.put(store, docs[11_000...])
        try store.flush()
        var deletes = WriteBatch()
        for i in stride(from: 5, to: 20_000, by: 17) { deletes.delete(id: "d\(i)", in: "docs") }
        try store.write(deletes)
        let snap = try store.snapshot()
        for q in 0..<80 {
            var should: [TextQuery] = (0..<(1 + Int(rng.next() % 7))).map { _ in .term(word()) }
            if q % 3 == 0 { should.append(.term(word(), field: "title", boost: 1.5)) }
            var options = TextSearchOptions(limit: [1, 10, 50][q % 3])
            if q % 4 == 0 { options.range = ("ts", Int64(rng.next() % 10_000), Int64(10_000 + rng.next() % 10_000)) }
            let query = TextQuery.boolean(must: [], should: should, mustNot: [])
            let fast = try searcher.search(snap, collection: "docs", query: query, options: options)
            let slow = try searcher.search(snap, collection: "docs", query: query, options: options, exhaustive: true)
            #expect(!slow.isEmpty)
            #expect(fast == slow, "query \(q): \(should)")
            // A filter allowing 1 document in 41 (scans leapfrog its rows): the unfiltered
            // exhaustive ranking with the others left out, scores bit for bit.
            var sparse = options
            sparse.filter = Self.idFilter { $0 % 41 == 0 }
            var everything = options
            everything.limit = 20_000
            let expected = try searcher.search(snap, collection: "docs", query: query, options: everything, exhaustive: true)
                .filter { (Int($0.id.dropFirst()) ?? 1) % 41 == 0 }.prefix(options.limit)
            #expect(try searcher.search(snap, collection: "docs", query: query, options: sparse) == Array(expected), "query \(q) filtered")
        }
        try store.close()
    }

    @Test func phrasesMustAndMustNotPrefixAndFields() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.open(dir.sub("db"))
        let docs = [
            Document(id: "a", fields: [Field("text", .string("The quick brown fox jumps over the lazy dog")), Field("title", .string("Foxes"))]),
            Document(id: "b", fields: [Field("text", .string("A brown quick fox, not the same")), Field("title", .string("Dogs"))]),
            Document(id: "c", fields: [Field("text", .string("Quick thinking saves the day")), Field("title", .string("Thinking"))]),
            Document(id: "d", fields: [Field("text", .string("foxes and foxhounds in the brown fields")), Field("title", .string("Hounds"))]),
        ]
        try Self.put(store, docs[0..<3])
        try store.flush()
        try Self.put(store, docs[3...])
        let snap = try store.snapshot()
        func ids(_ q: String) throws -> Set<String> { Set(try searcher.search(snap, collection: "docs", queryString: q).map(\.id)) }
        #expect(try ids(#""quick brown fox""#) == ["a"])
        #expect(try ids(#""brown quick""#) == ["b"])
        #expect(try ids(#""jumps over the lazy dog""#) == ["a"])  // stopwords keep their positions
        #expect(try ids("+quick +fox") == ["a", "b"])
        #expect(try ids("quick -fox") == ["c"])
        #expect(try ids("fox*") == ["a", "b", "d"])
        #expect(try ids("title:dogs") == ["b"])
        #expect(try ids("zebra") == [])
        #expect(throws: TextSearchError.unknownField("nope")) { try searcher.search(snap, collection: "docs", queryString: "nope:fox") }
        #expect(throws: TextSearchError.self) { try searcher.search(snap, collection: "docs", queryString: #"title:"two words""#) }
        #expect(throws: QueryParser.ParseError.self) { try searcher.search(snap, collection: "docs", queryString: "\"open") }
        try store.close()
    }

    @Test func deletesTimeRangesAndSortingByTime() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.open(dir.sub("db"))
        let docs = Self.corpus(600, seed: 3)
        try Self.put(store, docs[0..<500])
        try store.flush()
        try Self.put(store, docs[500...])
        let q = TextQuery.term("river")
        let all = try searcher.search(store.snapshot(), collection: "docs", query: q, options: .init(limit: 1000))
        let victim = try #require(all.first)
        try store.delete(id: victim.id, in: "docs")
        let afterDelete = try searcher.search(store.snapshot(), collection: "docs", query: q, options: .init(limit: 1000))
        #expect(afterDelete.count == all.count - 1 && !afterDelete.contains { $0.id == victim.id })

        var ranged = TextSearchOptions(limit: 1000)
        ranged.range = ("ts", 1200, 1400)
        let inRange = try searcher.search(store.snapshot(), collection: "docs", query: q, options: ranged)
        let expected = afterDelete.filter { Int($0.id.dropFirst())! + 1000 >= 1200 && Int($0.id.dropFirst())! + 1000 < 1400 }
        #expect(inRange.map(\.id) == expected.map(\.id))

        var newest = TextSearchOptions(limit: 5)
        newest.sortBy = ("ts", true)
        let sorted = try searcher.search(store.snapshot(), collection: "docs", query: q, options: newest)
        let wantNewest = afterDelete.map { Int64(Int($0.id.dropFirst())! + 1000) }.sorted(by: >).prefix(5)
        #expect(sorted.compactMap(\.sortValue) == Array(wantNewest))
        newest.range = ("ts", nil, 1100)
        newest.sortBy = ("ts", false)
        let oldest = try searcher.search(store.snapshot(), collection: "docs", query: q, options: newest)
        #expect(oldest.compactMap(\.sortValue) == Array(afterDelete.map { Int64(Int($0.id.dropFirst())! + 1000) }.filter { $0 < 1100 }.sorted().prefix(5)))
        #expect(throws: TextSearchError.unknownField("when")) {
            var o = TextSearchOptions()
            o.range = ("when", 0, 1)
            _ = try searcher.search(store.snapshot(), collection: "docs", query: q, options: o)
        }
        try store.close()
    }

    @Test func emptyCollectionAndSurvivingCompactionAndReopen() throws {
        let dir = TempDirectory()
        var (store, searcher) = try Self.open(dir.sub("db"))
        #expect(try searcher.search(store.snapshot(), collection: "docs", queryString: "river").isEmpty)
        let docs = Self.corpus(300, seed: 4)
        try Self.put(store, docs[0..<150])
        try store.flush()
        try Self.put(store, docs[150...])
        let before = try searcher.search(store.snapshot(), collection: "docs", queryString: "engine signal", options: .init(limit: 20))
        try store.compact()
        try store.close()
        (store, searcher) = try Self.open(dir.sub("db"))
        let after = try searcher.search(store.snapshot(), collection: "docs", queryString: "engine signal", options: .init(limit: 20))
        #expect(after == before)
        #expect(!after.isEmpty)
        try store.close()
    }
}

@Suite struct TextCorruptionTests {
    @Test func aDamagedPostingsSectionIsATypedErrorNamingTheFile() throws {
        let dir = TempDirectory()
        let (store, _) = try TextSearchTests.open(dir.sub("db"))
        try TextSearchTests.put(store, TextSearchTests.corpus(300, seed: 5)[...])
        try store.close()
        let seg = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.sub("db")).first { $0.hasSuffix(".seg") })
        let path = dir.sub("db") + "/" + seg
        let (probe, _) = try TextSearchTests.open(dir.sub("db"))
        let offset = Int(try probe.snapshot().segments(of: "docs")[0].reader.offset(of: SectionTag(prefix: "XP", slot: 0))) + 5
        try probe.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (store2, searcher) = try TextSearchTests.open(dir.sub("db"))
        do {
            _ = try searcher.search(store2.snapshot(), collection: "docs", queryString: "river")
            Issue.record("search over a damaged postings section succeeded")
        } catch let StorageError.corruption(file, _, reason) {
            #expect(file == path)
            #expect(reason.contains("XP00"))
        }
        // Reads by id do not touch the section and still work.
        #expect(try store2.get("d1", in: "docs") != nil)
        try store2.close()
    }
}
