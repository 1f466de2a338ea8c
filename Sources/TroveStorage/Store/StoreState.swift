/// A live segment as the store sees it: the reader and its deletes so far.
struct LiveSegment: Sendable {
    let reader: SegmentReader
    /// State the layers above derive from the segment. Kept here, beside the reader and
    /// not in it: derived values hold the reader (to keep its file mapped), and a reader
    /// holding them back would never be freed.
    let memo = SegmentMemo()
    var deletes: DeleteSet
    /// The delete file that holds `deletes` on disk (0: none), and whether `deletes`
    /// has changed since it was written.
    var deleteFile: UInt64
    var deletesDirty: Bool
    /// How many deletes the file `deleteFile` holds.
    var persistedDeletes: Int

    var liveCount: Int { reader.docCount - deletes.count }
}

/// One collection's state: segments oldest first, then the memtable.
struct CollectionState: Sendable {
    let id: UInt32
    var name: String
    var metadata: [UInt8]
    var segments: [LiveSegment]
    var memtable: Memtable
    var memtableCount: Int
    var memtableDeletes: DeleteSet

    var liveCount: Int {
        segments.reduce(0) { $0 + $1.liveCount } + memtableCount - memtableDeletes.count
    }

    /// Where the live version of an id is, if anywhere.
    enum Location { case memtable(Int), segment(Int, Int, [UInt8]) }

    func locate(id: String, hash: UInt64) throws -> Location? {
        if let m = memtable.find(id: id, hash: hash, below: memtableCount) {
            // A memtable entry for this id means every older version is deleted already.
            return memtableDeletes.contains(m) ? nil : .memtable(m)
        }
        for s in segments.indices.reversed() {
            if let (o, encoded) = try segments[s].reader.lookup(id, hash: hash), !segments[s].deletes.contains(o) {
                return .segment(s, o, encoded)
            }
        }
        return nil
    }
}

/// Everything a reader needs, as one value. Writers build a new one and publish it;
/// readers copy it (a few reference counts) and keep it as their snapshot.
struct StoreState: Sendable {
    var generation: UInt64
    /// Counts publications in this process: equal versions, equal views.
    var version: UInt64 = 0
    var collections: [UInt32: CollectionState]
    var ids: [String: UInt32]

    func collection(named name: String) throws(StorageError) -> CollectionState {
        guard let id = ids[name], let c = collections[id] else { throw .unknownCollection(name) }
        return c
    }

    /// What the memtables of every collection hold together (the flush budget's measure).
    /// Summed when asked, once per commit: a counter kept beside would have to follow
    /// every flush, install and recovery.
    var memtableBytes: Int { collections.values.reduce(0) { $0 + $1.memtable.byteSize } }
}
