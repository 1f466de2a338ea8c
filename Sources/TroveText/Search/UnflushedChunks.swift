import Synchronization
import TroveStorage

/// Unflushed documents indexed the way a segment is — same sections, built in memory by
/// `TextSectionBuilder` — in chunks of `size` memtable entries, so a query scores them
/// with the segment scorer instead of analysing every unflushed document again. Entries
/// never change, so a full chunk is built once per memtable; only the last, partial
/// chunk is rebuilt, when a query sees more entries than it covers. Every `fanout` full
/// chunks of one size are merged into one (postings merged, not text analysed again),
/// up to `largest` entries, so a query over n unflushed entries scores O(log n) chunks,
/// not n / 512. Deleted entries are indexed too (as a segment keeps its deleted rows) and
/// refused by the query's filter.
struct MemoryChunk: Sendable {
    /// The memtable entry of the chunk's ordinal 0.
    let start: Int
    let sections: MemorySections
    let indexes: [TextSegmentIndex?]
    /// Per numeric field: the column and its windows.
    let columns: [NumericColumn?]
    let windows: [ColumnWindows?]

    var count: Int { sections.docCount }
    var end: Int { start + count }

    /// The entries `range` of `documents`, analysed.
    init(schema: TextSchema, documents: [Document], range: Range<Int>) throws {
        let builder = TextSectionBuilder(schema: schema)
        for i in range { try builder.add(ordinal: i - range.lowerBound, document: documents[i]) }
        try self.init(schema: schema, start: range.lowerBound, count: range.count, sections: try builder.finish())
    }

    /// One chunk holding `parts` (consecutive, in entry order): their sections merged, the
    /// documents passed by only for their columns. nil when the merger declines.
    init?(schema: TextSchema, merging parts: [MemoryChunk], documents: [Document]) throws {
        guard let first = parts.first, let last = parts.last else { return nil }
        let sources: [(source: any SectionSource, ordinals: [Int32])] = parts.map { p in
            (p.sections, (0..<p.count).map { Int32(p.start - first.start + $0) })
        }
        guard let merger = TextSectionMerger(schema: schema, sections: sources) else { return nil }
        for i in first.start..<last.end { try merger.add(ordinal: i - first.start, document: documents[i]) }
        try self.init(schema: schema, start: first.start, count: last.end - first.start, sections: try merger.finish())
    }

    private init(schema: TextSchema, start: Int, count: Int, sections built: [(tag: SectionTag, bytes: [UInt8])]) throws {
        let sections = MemorySections(docCount: count, path: "unflushed entries \(start)..<\(start + count)", sections: built)
        self.start = start
        self.sections = sections
        indexes = try schema.text.indices.map { try TextSegmentIndex.open(sections, slot: $0) }
        columns = try schema.numeric.indices.map { slot in
            try sections.section(TextSections.tag("NC", slot)).map { try NumericColumn(section: $0, owner: sections) }
        }
        windows = columns.map { c in c.map { ColumnWindows($0, docCount: count) } }
    }
}

/// The chunks of one collection's current memtable (one per `TextSearcher`).
final class UnflushedChunks: Sendable {
    static let size = 512
    static let fanout = 8
    /// The largest merged chunk: merging costs the query that triggers it, so it stays
    /// bounded (8 × 4,096 entries).
    static let largest = 32_768

    private struct State {
        var serial: UInt64 = 0
        /// Full chunks in entry order, covering `0..<full.last.end`.
        var full: [MemoryChunk] = []
        var tail: MemoryChunk?
    }

    private let schema: TextSchema
    private let state = Mutex(State())

    init(schema: TextSchema) { self.schema = schema }

    /// Chunks covering exactly entries `0..<entries.count`, in entry order.
    func chunks(_ entries: UnflushedEntries) throws -> [MemoryChunk] {
        let fullEnd = entries.count / Self.size * Self.size
        let tailRange = fullEnd..<entries.count
        var (full, tail) = state.withLock { s -> ([MemoryChunk], MemoryChunk?) in
            if s.serial != entries.serial { s = State(serial: entries.serial) }
            return (s.full, s.tail)
        }
        // A newer snapshot may have built (and merged) past what this one sees.
        if let past = full.firstIndex(where: { $0.end > fullEnd }) { full.removeSubrange(past...) }
        let known = full.last?.end ?? 0
        while (full.last?.end ?? 0) < fullEnd {
            let lo = full.last?.end ?? 0
            full.append(try MemoryChunk(schema: schema, documents: entries.documents, range: lo..<lo + Self.size))
            try mergeFull(&full, documents: entries.documents)
        }
        var built: MemoryChunk?
        if !tailRange.isEmpty, tail.map({ $0.start != tailRange.lowerBound || $0.count != tailRange.count }) ?? true {
            built = try MemoryChunk(schema: schema, documents: entries.documents, range: tailRange)
            tail = built
        }
        let covered = full.last?.end ?? 0
        if covered > known || built != nil {
            state.withLock { s in
                guard s.serial == entries.serial else { return }
                let theirs = s.full.last?.end ?? 0
                if covered > theirs || (covered == theirs && full.count < s.full.count) { s.full = full }
                if let built, built.end >= (s.tail?.end ?? 0) { s.tail = built }
            }
        }
        var out = full
        if !tailRange.isEmpty, let tail { out.append(tail) }
        return out
    }

    /// Merges the last `fanout` chunks while they have one size, start at a multiple of
    /// the merged size, and the result stays within `largest`: like a counter's carries.
    private func mergeFull(_ full: inout [MemoryChunk], documents: [Document]) throws {
        while full.count >= Self.fanout {
            let group = Array(full.suffix(Self.fanout))
            guard let first = group.first, group.allSatisfy({ $0.count == first.count }),
                  first.count * Self.fanout <= Self.largest, first.start % (first.count * Self.fanout) == 0 else { return }
            let merged = try MemoryChunk(schema: schema, merging: group, documents: documents)
                ?? MemoryChunk(schema: schema, documents: documents, range: first.start..<first.start + first.count * Self.fanout)
            full.removeLast(Self.fanout)
            full.append(merged)
        }
    }
}
