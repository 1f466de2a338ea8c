import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveText

/// `match`: any text a person types or pastes is a query, its words OR-ed under BM25.
@Suite struct MatchQueryTests {
    /// Strings as people type them, and strings nobody means: operators, quotes, brackets,
    /// control characters, scripts, emoji, a 10,000-character word.
    static let raw = [
        "open(2)).", "foo.zip.", "_KERNEL_SUBSYSTEM=", "http.cookie.time2netscape,", "bpo-45526", "'plat'", " - ",
        "\"unbalanced", "+", "-", "***", "field:", "text:\"", "^2", "river^", "(((", "a)b]c}", "\u{0}\u{7}\u{1B}[2J",
        "Ünïcödé façade – naïve", "河流 石头", "😀🚀 river", "\u{202E}river", String(repeating: "x", count: 10_000),
        "river stone river", "the and of", "", "   ",
    ]

    static func store(_ dir: TempDirectory) throws -> (Store, TextSearcher) {
        let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
        let docs = TextSearchTests.corpus(3000, seed: 4) + [
            Document(id: "open", fields: [Field("text", .string("use open to get a descriptor")), Field("title", .string("x")), Field("ts", .int(1))]),
            Document(id: "open2", fields: [Field("text", .string("see open(2) and close(2)")), Field("title", .string("x")), Field("ts", .int(2))]),
        ]
        try TextSearchTests.put(store, docs[0..<1500])
        try store.flush()
        try TextSearchTests.put(store, docs[1500...])
        return (store, searcher)
    }

    @Test func anyStringIsAQueryAndPruningEqualsExhaustive() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.store(dir)
        for text in Self.raw {
            let q = try QuerySyntax.match.query(text)
            let fast = try searcher.search(store.snapshot(), collection: "docs", query: q, options: .init(limit: 10))
            let slow = try searcher.search(store.snapshot(), collection: "docs", query: q, options: .init(limit: 10), exhaustive: true)
            #expect(fast == slow, "\(text.prefix(40))")
        }
        try store.close()
    }

    @Test func aWordThatSplitsAddsItsTokensAsTermsNotAPhrase() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.store(dir)
        let match = try searcher.search(store.snapshot(), collection: "docs", query: QuerySyntax.match.query("open(2)"), options: .init(limit: 5))
        #expect(Set(match.prefix(2).map(\.id)) == ["open", "open2"], "both hold 'open'; '2' ranks open2 first")
        #expect(match.first?.id == "open2")
        // The query-string language keeps the phrase: only the adjacent pair matches.
        let phrase = try searcher.search(store.snapshot(), collection: "docs", query: QuerySyntax.queryString.query("open(2)"), options: .init(limit: 5))
        #expect(phrase.map(\.id) == ["open2"])
        // The planner sees a plain disjunction, so MaxScore pruning stays on.
        let plan = try QueryPlan(query: QuerySyntax.match.query("open(2)).  foo.zip. bpo-45526"), schema: TextSearchTests.schema.slotted, defaultField: "text")
        #expect(plan.isDisjunction)
        #expect(plan.clauses.map(\.terms) == [["open"], ["2"], ["foo"], ["zip"], ["bpo"], ["45526"]])
        try store.close()
    }

    /// The tokens of a splitting word, found side by side in the order written, earn a
    /// phrase's score on top of their terms' (among the best candidates only), so the
    /// passage that holds `kernel_subsystem_name` beats a shorter one that only holds its
    /// words apart. In a flushed segment and unflushed alike; words written apart get none.
    @Test func adjacentTokensOfASplittingWordEarnAProximityBonus() throws {
        for flushed in [true, false] {
            let dir = TempDirectory()
            let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
            func doc(_ id: String, _ text: String) -> Document {
                Document(id: id, fields: [Field("text", .string(text)), Field("title", .string("x")), Field("ts", .int(1))])
            }
            let docs = TextSearchTests.corpus(300, seed: 9) + [
                doc("apart", "name subsystem kernel"),
                doc("together", "set the kernel subsystem name in the configuration file for the udev rules"),
            ]
            try TextSearchTests.put(store, docs[...])
            if flushed { try store.flush() }
            let snapshot = try store.snapshot()
            let words = try searcher.search(snapshot, collection: "docs", query: QuerySyntax.match.query("kernel subsystem name"), options: .init(limit: 2))
            #expect(words.map(\.id) == ["apart", "together"], "no bonus for words written apart")
            let q = try QuerySyntax.match.query("kernel_subsystem_name")
            let hits = try searcher.search(snapshot, collection: "docs", query: q, options: .init(limit: 2))
            #expect(hits.map(\.id) == ["together", "apart"], "flushed: \(flushed)")
            #expect(hits.first.map { $0.score > words[1].score } == true)
            #expect(try searcher.search(snapshot, collection: "docs", query: q, options: .init(limit: 2), exhaustive: true) == hits)
            try store.close()
        }
    }

    @Test func aRepeatedWordWeighsAsOftenAsItIsWritten() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.store(dir)
        let once = try searcher.search(store.snapshot(), collection: "docs", query: QuerySyntax.match.query("glacier"), options: .init(limit: 3))
        let twice = try searcher.search(store.snapshot(), collection: "docs", query: QuerySyntax.match.query("glacier, GLACIER"), options: .init(limit: 3))
        #expect(!once.isEmpty && once.map(\.id) == twice.map(\.id))
        for (a, b) in zip(once, twice) { #expect(abs(b.score - 2 * a.score) <= 1e-4 * b.score) }
        try store.close()
    }

    @Test func textWithoutAnIndexableWordMatchesNothing() throws {
        let dir = TempDirectory()
        let (store, searcher) = try Self.store(dir)
        for text in ["", "   ", " - ", "the of and", "***", "\u{0}"] {
            #expect(try searcher.search(store.snapshot(), collection: "docs", query: QuerySyntax.match.query(text)).isEmpty, "\(text)")
        }
        try store.close()
    }

    @Test func thousandsOfDistinctWordsAreSearchedByTheFirstClauseLimit() throws {
        let words = (0..<3000).map { "w\($0)q" }
        let plan = try QueryPlan(query: QuerySyntax.match.query((words + words).joined(separator: " ")), schema: TextSearchTests.schema.slotted, defaultField: "text")
        #expect(plan.clauses.count == QueryParser.maximumClauses)
        #expect(plan.clauses.first?.boost == 2)
    }
}
