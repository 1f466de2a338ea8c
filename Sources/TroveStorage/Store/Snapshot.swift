/// A consistent, read-only view of the store at one moment. Holding it keeps the
/// segment files it reads alive; writes, flushes and merges after it are invisible.
public struct Snapshot: Sendable {
    let state: StoreState

    /// The manifest generation this view was built on.
    public var generation: UInt64 { state.generation }

    /// Which published state this view is: two snapshots of one store with the same
    /// version see exactly the same documents (a cursor's pinned view can be shared).
    public var version: UInt64 { state.version }

    /// Collection names, sorted.
    public var collectionNames: [String] { state.ids.keys.sorted() }

    /// The metadata a higher layer stored with the collection.
    public func metadata(of collection: String) throws -> [UInt8] {
        try state.collection(named: collection).metadata
    }

    /// The document with `id`, or nil.
    public func get(_ id: String, in collection: String) throws -> Document? {
        let c = try state.collection(named: collection)
        switch try c.locate(id: id, hash: IDHash.hash(id)) {
        case let .memtable(m)?: return try DocumentCodec.decode(c.memtable.encoded(at: m))
        case let .segment(_, _, encoded)?: return try DocumentCodec.decode(encoded)
        case nil: return nil
        }
    }

    /// Live documents in the collection.
    public func count(in collection: String) throws -> Int {
        try state.collection(named: collection).liveCount
    }

    /// Visits every live document: segments oldest first, then the memtable. Return
    /// false from `body` to stop.
    public func forEach(in collection: String, _ body: (Document) throws -> Bool) throws {
        let c = try state.collection(named: collection)
        for s in c.segments {
            var stop = false
            try s.reader.forEachEncoded { ordinal, bytes in
                if s.deletes.contains(ordinal) { return true }
                stop = try !body(DocumentCodec.decode(bytes))
                return !stop
            }
            if stop { return }
        }
        try c.memtable.forEachLive(below: c.memtableCount, deletes: c.memtableDeletes) { _, bytes in
            try body(DocumentCodec.decode(bytes))
        }
    }

    /// Visits the live documents not yet in a segment (the memtable), oldest first.
    public func forEachUnflushed(in collection: String, _ body: (Document) throws -> Bool) throws {
        try forEachUnflushed(in: collection, hint: nil, body)
    }

    /// Visits the live unflushed documents, oldest first — with a `hint` (a keyword field
    /// and values one of which every wanted document holds, such as the tenant), only
    /// those holding one of the values, found through the memtable's keyword index.
    public func forEachUnflushed(in collection: String, hint: DocumentFilter.Hint?, _ body: (Document) throws -> Bool) throws {
        let c = try state.collection(named: collection)
        guard let hint else {
            let docs = try c.memtable.documents(below: c.memtableCount)
            for i in 0..<c.memtableCount where !c.memtableDeletes.contains(i) {
                if try !body(docs[i]) { return }
            }
            return
        }
        let (docs, entries) = try c.memtable.documents(below: c.memtableCount, where: hint.field, in: hint.values)
        for e in entries where !c.memtableDeletes.contains(Int(e)) {
            if try !body(docs[Int(e)]) { return }
        }
    }

    /// Every unflushed entry this snapshot sees, deleted ones included, for readers that
    /// derive their own structures from unflushed documents and keep them across queries:
    /// entries are append-only and never change, so what was derived from entries
    /// `0..<n` of memtable `serial` stays true for every later snapshot of it.
    public func unflushedEntries(in collection: String) throws -> UnflushedEntries {
        let c = try state.collection(named: collection)
        return UnflushedEntries(serial: c.memtable.serial, documents: try c.memtable.documents(below: c.memtableCount),
                                count: c.memtableCount, deletes: c.memtableDeletes)
    }

    /// Number, documents, deletes and bytes of each segment, oldest first.
    public func segmentsInfo(of collection: String) throws -> [(number: UInt64, documents: Int, deleted: Int, bytes: Int)] {
        try state.collection(named: collection).segments.map { ($0.reader.number, $0.reader.docCount, $0.deletes.count, $0.reader.map.count) }
    }

    /// Per-collection figures.
    public func stats() -> [CollectionStats] {
        state.collections.values.sorted { $0.name < $1.name }.map { c in
            CollectionStats(name: c.name, documents: c.liveCount, segments: c.segments.count,
                            segmentDocuments: c.segments.reduce(0) { $0 + $1.reader.docCount },
                            deletedInSegments: c.segments.reduce(0) { $0 + $1.deletes.count },
                            memtableDocuments: c.memtableCount - c.memtableDeletes.count,
                            segmentBytes: c.segments.reduce(0) { $0 + Int64($1.reader.map.count) })
        }
    }

    /// The segment readers of a collection, oldest first, with their delete sets: the
    /// way in for higher layers that read their own sections.
    public func segments(of collection: String) throws -> [SegmentView] {
        try state.collection(named: collection).segments.map { SegmentView(reader: $0.reader, deletes: $0.deletes, memo: $0.memo) }
    }
}

/// The unflushed entries of one collection as a snapshot sees them.
public struct UnflushedEntries: Sendable {
    /// Identifies the memtable; a flush replaces it with one of another serial.
    public let serial: UInt64
    /// Decoded entries, at least `count` of them (later ones belong to newer snapshots).
    public let documents: [Document]
    /// How many entries this snapshot sees.
    public let count: Int
    /// Which of them are deleted or replaced.
    public let deletes: DeleteSet
}

/// What `stats` reports for one collection.
public struct CollectionStats: Sendable, Equatable {
    public let name: String
    public let documents: Int
    public let segments: Int
    public let segmentDocuments: Int
    public let deletedInSegments: Int
    public let memtableDocuments: Int
    public let segmentBytes: Int64
}
