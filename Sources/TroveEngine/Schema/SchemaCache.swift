import Synchronization

/// Parsed schemas by their metadata bytes: the write path asks for a collection's schema
/// on every document and every query starts with it, so each distinct metadata is parsed
/// once per process (bounded: cleared past `limit` entries).
enum SchemaCache {
    static let limit = 1024
    private static let parsed = Mutex<[[UInt8]: CollectionSchema?]>([:])

    static func schema(_ metadata: [UInt8]) -> CollectionSchema? {
        if let hit = parsed.withLock({ $0[metadata] }) { return hit }
        let schema = CollectionSchema.fromMetadata(metadata)
        parsed.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[metadata] = .some(schema)
        }
        return schema
    }
}
