import Foundation
import Synchronization
import Testing
@testable import TroveStorage

/// The memo of derived state lives as long as its segment: made once and shared by every
/// snapshot, carried across deletes, and freed after a merge with the segment's file,
/// even when what it holds keeps the segment's reader alive (as opened indexes do).
@Suite struct SegmentMemoTests {
    /// A derived value that, like an opened index, holds the reader it came from.
    final class Derived: Sendable {
        let reader: SegmentReader
        init(_ reader: SegmentReader) { self.reader = reader }
    }

    enum DocCount {}
    enum Rows {}
    enum Column {}

    @Test func madeOncePerSegmentAndSharedBySnapshots() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        defer { try? store.close() }
        try store.createCollection("c")
        for i in 0..<10 { try store.put(Document(id: "d\(i)", fields: [Field("v", .int(Int64(i)))]), in: "c") }
        try store.flush()
        let made = Atomic<Int>(0)
        let read = { (segment: SegmentView) in
            segment.memo.value(.init(DocCount.self)) { () -> Int in
                made.add(1, ordering: .relaxed)
                return segment.reader.docCount
            }
        }
        let first = try #require(try store.snapshot().segments(of: "c").first)
        #expect(read(first) == 10)
        _ = try store.delete(id: "d3", in: "c")
        let later = try #require(try store.snapshot().segments(of: "c").first)
        #expect(later.deletes.count == 1 && read(later) == 10)
        #expect(made.load(ordering: .relaxed) == 1, "a delete keeps the segment and its memo")
        #expect(later.memo === first.memo)
    }

    @Test func freedWithItsSegmentAfterAMerge() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        defer { try? store.close() }
        try store.createCollection("c")
        try store.put(Document(id: "a"), in: "c")
        try store.flush()
        weak var memo: SegmentMemo?
        var path = ""
        do {
            let segment = try #require(try store.snapshot().segments(of: "c").first)
            _ = segment.memo.value(.init(Derived.self)) { Derived(segment.reader) }
            memo = segment.memo
            path = segment.reader.path
        }
        try store.put(Document(id: "b"), in: "c")
        try store.compact()
        #expect(memo == nil, "the merged-away segment's memo is freed")
        #expect(!FileManager.default.fileExists(atPath: path), "and its file removed, though a memo value held its reader")
    }

    @Test func perTermValuesAreBounded() {
        let memo = SegmentMemo()
        for i in 0..<(SegmentMemo.boundedLimit * 3) { _ = memo.boundedValue(.init(Rows.self, term: "\(i)")) { i } }
        let made = Atomic<Int>(0)
        let last = SegmentMemo.boundedLimit * 3 - 1
        #expect(memo.boundedValue(.init(Rows.self, term: "\(last)")) { made.add(1, ordering: .relaxed); return -1 } == last)
        #expect(memo.boundedValue(.init(Rows.self, term: "0")) { made.add(1, ordering: .relaxed); return -1 } == -1, "old terms were dropped")
        #expect(made.load(ordering: .relaxed) == 1)
        // An optional value (a column the segment lacks) is remembered as nil, not made again.
        #expect(memo.value(.init(Column.self, slot: 3)) { () -> Int? in made.add(1, ordering: .relaxed); return nil } == nil)
        #expect(memo.value(.init(Column.self, slot: 3)) { () -> Int? in made.add(1, ordering: .relaxed); return 5 } == nil)
        #expect(made.load(ordering: .relaxed) == 2)
    }
}
