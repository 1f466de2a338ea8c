import Testing
import TroveStorage
@testable import TroveText

@Suite struct TermTableTests {
    /// Ids stay dense and stable while the table grows through many resizes, and the
    /// bytes read back are the bytes interned.
    @Test func internsThroughGrowth() {
        var table = TermTable()
        var rng = SplitMix64(state: 5)
        var words: [[UInt8]] = []
        for i in 0..<20_000 {
            let length = 1 + Int(rng.next() % 12)
            var w = (0..<length).map { _ in UInt8(0x61 + rng.next() % 26) }
            w.append(contentsOf: Array(String(i).utf8))
            words.append(w)
        }
        var ids: [Int] = []
        for w in words { ids.append(w.withUnsafeBufferPointer { table.intern($0) }) }
        #expect(ids == Array(0..<words.count))
        #expect(table.count == words.count)
        for (i, w) in words.enumerated() {
            #expect(w.withUnsafeBufferPointer { table.intern($0) } == i)
            #expect(Array(table.bytes(of: i)) == w)
        }
        #expect([UInt8]().withUnsafeBufferPointer { table.intern($0) } == words.count)
    }

    /// The packed byte table and the String set agree on every stopword and on near misses.
    @Test func stopwordBytesMatchTheList() {
        for w in EnglishStopwords.words { #expect(EnglishStopwords.contains(Array(w.utf8)), "\(w)") }
        for w in ["", "th", "thee", "shoulds", "about1", "abouts", "whic", "aa", "zzzzzzzzz", "their's"] {
            #expect(EnglishStopwords.contains(Array(w.utf8)) == EnglishStopwords.contains(w), "\(w)")
        }
    }
}
