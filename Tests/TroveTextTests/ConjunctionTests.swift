import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveText

/// Queries with required clauses (`+must`, lone phrases) visit only the documents holding
/// every required clause; their top k must equal the exhaustive pass's, scores bit for bit.
@Suite(.ownThread) struct ConjunctionTests {
    @Test func mustPhraseAndMustNotQueriesEqualTheExhaustivePass() throws {
        let dir = TempDirectory()
        let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
        var rng = SplitMix64(state: 33)
        let words = TextSearchTests.words
        func word() -> String { words[Int(Double(words.count) * pow(Double(rng.next() % 1000) / 1000, 2))] }
        let docs = (0..<6000).map { i in
            Document(id: "d\(i)", fields: [Field("text", .string((0..<(3 + Int(rng.next() % 30))).map { _ in word() }.joined(separator: " "))),
                                           Field("title", .string(word())), Field("ts", .int(Int64(i)))])
        }
        try TextSearchTests.put(store, docs[0..<2500])
        try store.flush()
        try TextSearchTests.put(store, docs[2500..<5000])
        try store.flush()
        try TextSearchTests.put(store, docs[5000...])  // unflushed
        var deletes = WriteBatch()
        for i in stride(from: 3, to: 6000, by: 29) { deletes.delete(id: "d\(i)", in: "docs") }
        try store.write(deletes)

        func clause() -> TextQuery {
            switch rng.next() % 5 {
            case 0: return .phrase([word(), word()], field: nil, boost: 1)
            case 1: return .prefix(String(word().prefix(2)), field: nil, boost: 1)
            case 2: return .term(word(), field: "title", boost: 2)
            default: return .term(word())
            }
        }
        var checked = 0
        for q in 0..<150 {
            let must = (0..<Int(rng.next() % 3)).map { _ in clause() }
            var should = (0..<Int(rng.next() % 3)).map { _ in clause() }
            if must.isEmpty && should.isEmpty { should = [.phrase([word(), word(), word()].prefix(2 + Int(rng.next() % 2)).map { $0 }, field: nil, boost: 1)] }
            let mustNot = rng.next() % 3 == 0 ? [TextQuery.term(word())] : []
            let query = TextQuery.boolean(must: must, should: should, mustNot: mustNot)
            var options = TextSearchOptions(limit: [1, 10, 100][q % 3])
            if q % 4 == 0 { options.range = ("ts", Int64(rng.next() % 3000), Int64(3000 + rng.next() % 3000)) }
            let fast = try searcher.search(store.snapshot(), collection: "docs", query: query, options: options)
            let slow = try searcher.search(store.snapshot(), collection: "docs", query: query, options: options, exhaustive: true)
            #expect(fast == slow, "\(query)")
            if !slow.isEmpty { checked += 1 }
        }
        #expect(checked > 50, "most queries match something: \(checked)")
        try store.close()
    }

    @Test func aRequiredClauseThisSegmentLacksMatchesNothingHere() throws {
        let dir = TempDirectory()
        let (store, searcher) = try TextSearchTests.open(dir.sub("db"))
        try TextSearchTests.put(store, TextSearchTests.corpus(500, seed: 8)[...])
        try store.flush()
        for query in [TextQuery.boolean(must: [.term("zzzabsent")], should: [.term("river")], mustNot: []),
                      .boolean(must: [.phrase(["river", "zzzabsent"], field: nil, boost: 1)], should: [], mustNot: [])] {
            #expect(try searcher.search(store.snapshot(), collection: "docs", query: query).isEmpty)
        }
        try store.close()
    }
}
