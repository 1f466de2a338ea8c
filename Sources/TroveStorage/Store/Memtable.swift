import Synchronization

/// The in-memory buffer of a collection: document encodings appended in commit order,
/// found by id through a hash chain. Append-only, so a snapshot is just a count: it sees
/// the entries below it. Which entries are deleted lives in the snapshot's `DeleteSet`.
final class Memtable: Sendable {
    private static let chunkSize = 1 << 20

    private struct Entry {
        var chunk: Int32
        var offset: Int32
        var length: Int32
        /// The previous entry whose id has the same hash (an older version or a collision).
        var previous: Int32
    }

    private struct Inner {
        var chunks: [[UInt8]] = []
        var entries: [Entry] = []
        var heads: [UInt64: Int32] = [:]
        var bytes = 0
    }

    private static let serials = Atomic<UInt64>(0)

    /// Unique among the memtables of this process (an address could be reused after a
    /// flush frees one): what readers key structures derived from its entries by.
    let serial = Memtable.serials.add(1, ordering: .relaxed).newValue

    private let inner = Mutex(Inner())
    /// Entries decoded so far, in order, and per keyword field asked about, the entries
    /// holding each string value: readers of unflushed documents (every search filters
    /// them) decode each entry once, not once per query, and a tenant's unflushed
    /// documents are found without visiting everyone else's. Freed with the memtable.
    private let decoded = Mutex(DecodedEntries())

    /// Bytes of document encodings held (what the flush threshold is measured in).
    var byteSize: Int { inner.withLock { $0.bytes } }
    var count: Int { inner.withLock { $0.entries.count } }

    /// Appends an encoding; returns its ordinal. Only the writer calls this.
    func append(hash: UInt64, encoded: UnsafeRawBufferPointer) -> Int {
        inner.withLock { s in
            let n = encoded.count
            if s.chunks.isEmpty || s.chunks[s.chunks.count - 1].count + n > max(Self.chunkSize, n) {
                var chunk = [UInt8]()
                chunk.reserveCapacity(max(Self.chunkSize, n))
                s.chunks.append(chunk)
            }
            let c = s.chunks.count - 1
            let offset = s.chunks[c].count
            s.chunks[c].append(contentsOf: encoded)
            let ordinal = s.entries.count
            s.entries.append(Entry(chunk: Int32(c), offset: Int32(offset), length: Int32(n), previous: s.heads[hash] ?? -1))
            s.heads[hash] = Int32(ordinal)
            s.bytes += n
            return ordinal
        }
    }

    /// The newest entry below `limit` whose id is `id`.
    func find(id: String, hash: UInt64, below limit: Int) -> Int? {
        var id = id
        return id.withUTF8 { want in
            inner.withLock { s in
                var i = Int(s.heads[hash] ?? -1)
                while i >= 0 {
                    let e = s.entries[i]
                    if i < limit, Self.idMatches(want, s.chunks[Int(e.chunk)], Int(e.offset)) { return i }
                    i = Int(e.previous)
                }
                return nil
            }
        }
    }

    /// Compares the id at the start of an encoding (varint length, UTF-8) with `want`.
    private static func idMatches(_ want: UnsafeBufferPointer<UInt8>, _ chunk: [UInt8], _ offset: Int) -> Bool {
        var length = 0, shift = 0, p = offset
        while p < chunk.count {
            let b = chunk[p]
            p += 1
            length |= Int(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        guard length == want.count, p + length <= chunk.count else { return false }
        for k in 0..<length where chunk[p + k] != want[k] { return false }
        return true
    }

    /// A new memtable holding copies of entries `range`, renumbered from 0: what stays in
    /// memory once a background flush has put the entries before `range` into a segment.
    func copy(_ range: Range<Int>) -> Memtable {
        let tail = Memtable()
        for bytes in encodedBatch(range) {
            bytes.withUnsafeBytes { raw in
                // Every entry was appended from a valid encoding, so its id is there.
                var r = ByteReader(raw)
                let hash = (try? r.lengthPrefixed()).map { IDHash.hash($0) } ?? 0
                _ = tail.append(hash: hash, encoded: raw)
            }
        }
        return tail
    }

    /// A copy of entry `ordinal`'s encoding.
    func encoded(at ordinal: Int) -> [UInt8] {
        inner.withLock { s in
            let e = s.entries[ordinal]
            return Array(s.chunks[Int(e.chunk)][Int(e.offset)..<Int(e.offset + e.length)])
        }
    }

    /// Copies of the encodings of entries `range`, taken under one lock.
    func encodedBatch(_ range: Range<Int>) -> [[UInt8]] {
        inner.withLock { s in
            range.map { i in
                let e = s.entries[i]
                return Array(s.chunks[Int(e.chunk)][Int(e.offset)..<Int(e.offset + e.length)])
            }
        }
    }

    /// Visits entries below `limit` that `deletes` does not hold, copying them out in
    /// batches so that readers of this memtable never wait long on the lock.
    func forEachLive(below limit: Int, deletes: DeleteSet, _ body: (Int, [UInt8]) throws -> Bool) rethrows {
        var start = 0
        while start < limit {
            let end = min(limit, start + 1024)
            let batch = encodedBatch(start..<end)
            for (k, bytes) in batch.enumerated() where !deletes.contains(start + k) {
                if try !body(start + k, bytes) { return }
            }
            start = end
        }
    }

    /// The decoded documents of entries `0..<limit` (and perhaps more): entries not yet
    /// decoded are decoded now, once for every reader. The array is shared, not copied.
    func documents(below limit: Int) throws -> [Document] {
        try decoded.withLock { d in
            try d.decode(through: limit, from: self)
            return d.docs
        }
    }

    /// The decoded documents and, ascending, the entries below `limit` whose `field` is
    /// one of `values` (as a string).
    func documents(below limit: Int, where field: String, in values: [String]) throws -> (docs: [Document], entries: [Int32]) {
        try decoded.withLock { d in
            try d.decode(through: limit, from: self)
            let index = d.index(field)
            let distinct = Set(values)
            var entries = distinct.flatMap { index[$0] ?? [] }.filter { $0 < limit }
            if distinct.count > 1 { entries.sort() }
            return (d.docs, entries)
        }
    }
}

/// A memtable's decoded entries and its keyword indexes (built for a field the first time
/// a reader asks, then kept up to date as entries are decoded).
private struct DecodedEntries {
    var docs: [Document] = []
    var indexes: [String: [String: [Int32]]] = [:]

    mutating func decode(through limit: Int, from memtable: Memtable) throws {
        guard docs.count < limit else { return }
        let first = docs.count
        docs.reserveCapacity(limit)
        for bytes in memtable.encodedBatch(first..<limit) { docs.append(try DocumentCodec.decode(bytes)) }
        for field in indexes.keys {
            for i in first..<limit { add(i, to: field) }
        }
    }

    mutating func index(_ field: String) -> [String: [Int32]] {
        if let built = indexes[field] { return built }
        indexes[field] = [:]
        for i in docs.indices { add(i, to: field) }
        return indexes[field] ?? [:]
    }

    private mutating func add(_ i: Int, to field: String) {
        if case let .string(v)? = docs[i][field] { indexes[field, default: [:]][v, default: []].append(Int32(i)) }
    }
}
