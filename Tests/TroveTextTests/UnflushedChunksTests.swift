import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveText

/// Unflushed documents are scored in chunks built in memory; every 8 full chunks of one
/// size merge into one, so a query over a large memtable scores a handful of chunks
/// instead of one per 512 entries, and must answer exactly as a segment would.
@Suite(.ownThread) struct UnflushedChunksTests {
    static func load(_ store: Store, _ docs: [Document]) throws {
        for start in stride(from: 0, to: docs.count, by: 5_000) {
            try TextSearchTests.put(store, docs[start..<min(docs.count, start + 5_000)])
        }
    }

    /// Before, 40,000 unflushed entries were 79 chunks; now 9, like a counter's digits.
    @Test func fullChunksMergeEightAtATimeAndCoverEveryEntry() throws {
        let dir = TempDirectory()
        let (store, _) = try TextSearchTests.open(dir.sub("db"))
        defer { try? store.close() }
        try Self.load(store, TextSearchTests.corpus(40_000, seed: 5))
        let memory = UnflushedChunks(schema: TextSearchTests.schema)
        let chunks = try memory.chunks(try store.snapshot().unflushedEntries(in: "docs"))
        #expect(chunks.map(\.count) == [32_768, 4_096] + Array(repeating: 512, count: 6) + [64])
        #expect(chunks.first?.start == 0 && chunks.last?.end == 40_000)
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.end == $1.start })
        // A later query reuses them: the same chunk objects' sections, not new ones.
        let again = try memory.chunks(try store.snapshot().unflushedEntries(in: "docs"))
        #expect(zip(chunks, again).allSatisfy { $0.sections === $1.sections })
    }

    /// The same documents, unflushed in one store (merged chunks) and flushed into one
    /// segment in the other, deletes in both: the same hits with the same scores, for
    /// terms, phrases, prefixes, boolean queries, time ranges and sorting by time.
    @Test func mergedChunksAnswerAsASegmentDoes() throws {
        let dir = TempDirectory()
        let (memory, searcher) = try TextSearchTests.open(dir.sub("memory"))
        let (flushed, _) = try TextSearchTests.open(dir.sub("flushed"))
        defer {
            try? memory.close()
            try? flushed.close()
        }
        let docs = TextSearchTests.corpus(9_000, seed: 6)
        try Self.load(memory, docs)
        try Self.load(flushed, docs)
        try flushed.flush()
        for i in stride(from: 3, to: 9_000, by: 97) {
            _ = try memory.delete(id: "d\(i)", in: "docs")
            _ = try flushed.delete(id: "d\(i)", in: "docs")
        }
        let counts = try UnflushedChunks(schema: TextSearchTests.schema).chunks(memory.snapshot().unflushedEntries(in: "docs")).map(\.count)
        #expect(counts == [4_096, 4_096, 512, 296], "the memory store's chunks")
        let queries: [TextQuery] = [
            .term("river"), .term("glacier"),
            .boolean(must: [], should: [.term("copper"), .term("stone"), .term("willow")], mustNot: []),
            .boolean(must: [.term("river")], should: [.term("ember")], mustNot: [.term("forest")]),
            .phrase(["quiet", "garden"], field: nil, boost: 1), .prefix("win", field: nil, boost: 1),
        ]
        var sorted = TextSearchOptions(limit: 25)
        sorted.sortBy = ("ts", true)
        var ranged = TextSearchOptions(limit: 40)
        ranged.range = ("ts", 3_000, 7_000)
        for q in queries {
            for options in [TextSearchOptions(limit: 30), sorted, ranged] {
                let a = try searcher.search(memory.snapshot(), collection: "docs", query: q, options: options)
                let b = try searcher.search(flushed.snapshot(), collection: "docs", query: q, options: options)
                #expect(!a.isEmpty && a == b, "\(q)")
            }
        }
    }
}
