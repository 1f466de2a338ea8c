import Synchronization
import TroveStorage

/// Unflushed documents indexed the way a segment is — same sections, built in memory by
/// `TextSectionBuilder` — in chunks of `size` memtable entries, so a query scores them
/// with the segment scorer instead of analysing every unflushed document again. Entries
/// never change, so a full chunk is built once per memtable; only the last, partial
/// chunk is rebuilt, when a query sees more entries than it covers. Deleted entries are
/// indexed too (as a segment keeps its deleted rows) and refused by the query's filter.
struct MemoryChunk: Sendable {
    /// The memtable entry of the chunk's ordinal 0.
    let start: Int
    let sections: MemorySections
    let indexes: [TextSegmentIndex?]
    /// Per numeric field: the column and its windows.
    let columns: [NumericColumn?]
    let windows: [ColumnWindows?]

    var count: Int { sections.docCount }

    init(schema: TextSchema, documents: [Document], range: Range<Int>) throws {
        let builder = TextSectionBuilder(schema: schema)
        for i in range { try builder.add(ordinal: i - range.lowerBound, document: documents[i]) }
        let sections = MemorySections(docCount: range.count, path: "unflushed entries \(range.lowerBound)..<\(range.upperBound)",
                                      sections: try builder.finish())
        start = range.lowerBound
        self.sections = sections
        indexes = try schema.text.indices.map { try TextSegmentIndex.open(sections, slot: $0) }
        columns = try schema.numeric.indices.map { slot in
            try sections.section(TextSections.tag("NC", slot)).map { try NumericColumn(section: $0, owner: sections) }
        }
        windows = columns.map { c in c.map { ColumnWindows($0, docCount: range.count) } }
    }
}

/// The chunks of one collection's current memtable (one per `TextSearcher`).
final class UnflushedChunks: Sendable {
    static let size = 512

    private struct State {
        var serial: UInt64 = 0
        var full: [MemoryChunk] = []
        var tail: MemoryChunk?
    }

    private let schema: TextSchema
    private let state = Mutex(State())

    init(schema: TextSchema) { self.schema = schema }

    /// Chunks covering exactly entries `0..<entries.count`, in entry order.
    func chunks(_ entries: UnflushedEntries) throws -> [MemoryChunk] {
        let fullCount = entries.count / Self.size
        let tailRange = fullCount * Self.size..<entries.count
        var (full, tail) = state.withLock { s -> ([MemoryChunk], MemoryChunk?) in
            if s.serial != entries.serial { s = State(serial: entries.serial) }
            return (s.full, s.tail)
        }
        let known = full.count
        while full.count < fullCount {
            let lo = full.count * Self.size
            full.append(try MemoryChunk(schema: schema, documents: entries.documents, range: lo..<lo + Self.size))
        }
        var built: MemoryChunk?
        if !tailRange.isEmpty, tail.map({ $0.start != tailRange.lowerBound || $0.count != tailRange.count }) ?? true {
            built = try MemoryChunk(schema: schema, documents: entries.documents, range: tailRange)
            tail = built
        }
        if full.count > known || built != nil {
            state.withLock { s in
                guard s.serial == entries.serial else { return }
                if full.count > s.full.count { s.full = full }
                if let built, built.start + built.count >= (s.tail.map { $0.start + $0.count } ?? 0) { s.tail = built }
            }
        }
        var out = Array(full.prefix(fullCount))
        if !tailRange.isEmpty, let tail { out.append(tail) }
        return out
    }
}
