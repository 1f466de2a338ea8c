import Testing
import TroveStorage
@testable import TroveText

@Suite struct PostingsTests {
    @Test func blocksRoundTripAndSkip() throws {
        var rng = SplitMix64(state: 3)
        var docs: [UInt32] = []
        var d: UInt32 = 0
        for _ in 0..<1000 {
            d += UInt32(1 + rng.next() % 50)
            docs.append(d)
        }
        let tfs = docs.map { _ in UInt32(1 + rng.next() % 9) }
        let norms = [UInt8](repeating: 7, count: Int(d) + 1)
        var bytes: [UInt8] = [0, 0, 0]  // a nonzero start offset
        PostingsFormat.encode(docs: docs, tfs: tfs, norms: norms, into: &bytes)
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        try bytes.withUnsafeBytes { raw in
            var c = try PostingsCursor(bytes: raw, at: 3, docCount: 1 << 32, arena: arena)
            #expect(c.df == 1000 && c.blocks == 8)
            var seen: [Int] = []
            try c.next()
            while c.doc != Int.max {
                #expect(c.frequency == Int(tfs[seen.count]))
                seen.append(c.doc)
                try c.next()
            }
            #expect(seen == docs.map(Int.init))
            var s = try PostingsCursor(bytes: raw, at: 3, docCount: 1 << 32, arena: arena)
            for target in [0, Int(docs[500]), Int(docs[500]) + 1, Int(docs[999])] {
                try s.advance(to: target)
                #expect(s.doc == Int(docs.first { Int($0) >= target }!))
            }
            try s.advance(to: Int(d) + 1)
            #expect(s.doc == Int.max)
        }
    }

    /// `forEach(through:)` visits exactly the docs up to a bound and stops on the next one;
    /// `blockContaining` agrees with a linear search of the skip entries for rising and
    /// falling targets.
    @Test func scansAndBlockSearch() throws {
        var rng = SplitMix64(state: 8)
        var docs: [UInt32] = []
        var d: UInt32 = 0
        for _ in 0..<5000 {
            d += UInt32(1 + rng.next() % 9)
            docs.append(d)
        }
        let tfs = docs.map { _ in UInt32(1 + rng.next() % 4) }
        var bytes: [UInt8] = []
        PostingsFormat.encode(docs: docs, tfs: tfs, norms: [UInt8](repeating: 3, count: Int(d) + 1), into: &bytes)
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        try bytes.withUnsafeBytes { raw in
            var c = try PostingsCursor(bytes: raw, at: 0, docCount: 1 << 32, arena: arena)
            try c.next()
            var seen: [(Int, Int)] = []
            var last = 0
            while c.doc != Int.max {
                last += 1 + Int(rng.next() % 700)
                try c.forEach(through: last) { seen.append(($0, $1)) }
                #expect(c.doc > last)
            }
            #expect(seen.map(\.0) == docs.map(Int.init))
            #expect(seen.map(\.1) == tfs.map(Int.init))
            var probe = try PostingsCursor(bytes: raw, at: 0, docCount: 1 << 32, arena: arena)
            for target in [0, 5, 900, 901, 20_000, 3, 44_000, Int(d), Int(d) + 1, 10] {
                let expected = (0..<probe.blocks).first { probe.lastDoc(ofBlock: $0) >= target } ?? probe.blocks
                #expect(probe.blockContaining(target) == expected, "target \(target)")
            }
        }
    }

    @Test func truncatedPostingsAreErrorsNotCrashes() {
        var bytes: [UInt8] = []
        PostingsFormat.encode(docs: Array(0..<300), tfs: Array(repeating: 2, count: 300), norms: Array(repeating: 1, count: 300), into: &bytes)
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            let part = Array(bytes[..<cut])
            part.withUnsafeBytes { raw in
                do {
                    var c = try PostingsCursor(bytes: raw, at: 0, docCount: 1 << 32, arena: arena)
                    while c.doc != Int.max { try c.next() }
                } catch {}
            }
        }
    }

    /// Doc ids index the segment's norms and columns: postings that name a document past
    /// the segment's end (their checksum may hold) must be an error before any such read.
    @Test func postingsNamingDocumentsPastTheSegmentAreErrors() throws {
        var bytes: [UInt8] = []
        PostingsFormat.encode(docs: Array(0..<300).map { $0 * 3 }, tfs: Array(repeating: 1, count: 300), norms: Array(repeating: 1, count: 900), into: &bytes)
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        try bytes.withUnsafeBytes { raw in
            var whole = try PostingsCursor(bytes: raw, at: 0, docCount: 898, arena: arena)
            var n = 0
            while true { try whole.next(); if whole.doc == Int.max { break }; n += 1 }
            #expect(n == 300)
            var short = try PostingsCursor(bytes: raw, at: 0, docCount: 500, arena: arena)
            #expect(throws: DecodeError.self) { while short.doc != Int.max { try short.next() } }
        }
    }

    @Test func normsAreExactBelowFortyAndCloseAbove() {
        for n in 0..<40 { #expect(FieldNorms.decode(FieldNorms.encode(n)) == n) }
        for n in [40, 57, 100, 1000, 123_456] {
            let back = FieldNorms.decode(FieldNorms.encode(n))
            #expect(back <= n && Double(n - back) / Double(n) < 0.045, "\(n) → \(back)")
        }
    }
}
