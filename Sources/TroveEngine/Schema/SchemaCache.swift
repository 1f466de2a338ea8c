import Synchronization

/// Parsed schemas by their metadata bytes: the write path asks for a collection's schema
/// on every document and every query starts with it, so each distinct metadata is parsed
/// once per process (bounded: cleared past `limit` entries).
enum SchemaCache {
    static let limit = 1024
    private static let parsed = Mutex<[[UInt8]: CollectionSchema?]>([:])

    /// The last answer: writes check every document against the same metadata array, and
    /// comparing an array with itself is one pointer test where hashing it reads every
    /// byte (1% of a bulk load's time).
    private static let last = Mutex<(metadata: [UInt8], schema: CollectionSchema?)?>(nil)

    static func schema(_ metadata: [UInt8]) -> CollectionSchema? {
        if let hit = last.withLock({ $0.flatMap { $0.metadata == metadata ? $0 : nil } }) { return hit.schema }
        let schema = lookup(metadata)
        last.withLock { $0 = (metadata, schema) }
        return schema
    }

    private static func lookup(_ metadata: [UInt8]) -> CollectionSchema? {
        if let hit = parsed.withLock({ $0[metadata] }) { return hit }
        let schema = CollectionSchema.fromMetadata(metadata)
        parsed.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[metadata] = .some(schema)
        }
        return schema
    }
}
