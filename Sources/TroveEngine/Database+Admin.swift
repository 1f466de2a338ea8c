import TroveStorage

/// Sizes of a database at one generation.
public struct DatabaseStats: Sendable {
    /// The manifest generation the figures were read at.
    public let generation: UInt64
    public let collections: [CollectionStats]

    /// Live documents over every collection.
    public var documents: Int { collections.reduce(0) { $0 + $1.documents } }
}

/// The verbs that tools, metrics and the chat services' own bookkeeping need beside the
/// schema-checked, tenant-scoped document calls. They exist so that nothing above the
/// engine holds the store: every segment a flush or merge writes then carries the
/// engine's text and vector sections, whoever caused it.
extension Database {
    /// Documents, segments and bytes per collection.
    public func stats() throws -> DatabaseStats {
        let snapshot = try store.snapshot()
        return DatabaseStats(generation: snapshot.generation, collections: snapshot.stats())
    }

    /// Bytes of the database folder.
    public func bytesOnDisk() throws -> Int64 { try store.bytesOnDisk() }

    /// Live documents in a collection, whatever their tenant.
    public func documentCount(in collection: String) throws -> Int {
        do { return try store.snapshot().count(in: collection) } catch StorageError.unknownCollection { throw EngineError.unknownCollection(collection) }
    }

    /// Segments of a collection (benchmarks watch merges with it).
    public func segmentCount(of collection: String) throws -> Int {
        do { return try store.snapshot().segments(of: collection).count } catch StorageError.unknownCollection { throw EngineError.unknownCollection(collection) }
    }

    /// Removes a collection and everything in it.
    public func dropCollection(_ name: String) throws {
        try store.dropCollection(name)
        forgetSearchers(of: name)
    }

    /// Writes the memtable to a segment now.
    public func flush() throws { try store.flush() }

    /// Merges each collection into one segment without deleted documents.
    public func compact() throws { try store.compact() }

    // MARK: Unscoped access

    /// The document with this id, read synchronously and without the tenant check: for
    /// collections that have no tenant field, for callers that check ownership
    /// themselves in the same turn, and for the operator's tools. Works on collections
    /// without an engine schema too.
    public func unscopedGet(_ id: String, in collection: String) throws -> Document? {
        try store.get(id, in: collection)
    }

    /// Every live document of a collection, whatever its tenant, until `body` returns false.
    public func unscopedForEach(in collection: String, _ body: (Document) throws -> Bool) throws {
        try store.snapshot().forEach(in: collection, body)
    }

    /// Deletes a document whatever its tenant (the operator's `trove delete`); false when
    /// there is none.
    @discardableResult
    public func unscopedDelete(_ id: String, in collection: String) throws -> Bool {
        try store.delete(id: id, in: collection)
    }

    // MARK: Bulk import

    /// Creates a collection without an engine schema (a bare store collection: its
    /// documents are searchable by text through a default text schema).
    public func createCollectionWithoutSchema(_ name: String) throws {
        guard try !store.snapshot().collectionNames.contains(name) else { throw EngineError.collectionExists(name) }
        try store.createCollection(name)
    }

    /// Adds the fields that the schema lacks, giving a schema to a collection created
    /// without one. Fields already there are kept as they are.
    public func addFields(_ fields: [CollectionSchema.Field], to name: String) throws {
        let current: CollectionSchema
        do { current = try schema(of: name) } catch EngineError.noSchema {
            // Metadata that is not a schema was written by a trove older than schemas.
            guard try store.snapshot().metadata(of: name).isEmpty else { throw EngineError.noSchema(name) }
            current = try CollectionSchema(fields: [])
        }
        var merged = current
        for f in fields where merged.field(f.name) == nil { merged.fields.append(f) }
        try current.checkEvolution(to: merged)
        try store.setMetadata(merged.metadata, for: name)
        forgetSearchers(of: name)
    }

    /// A JSONL importer writing into `collection` in atomic batches, with each document
    /// coerced to the collection's schema when it has one. It bypasses tenant checks:
    /// it is the operator's bulk load.
    public func importer(into collection: String, options: JSONLImporter.Options = JSONLImporter.Options()) -> JSONLImporter {
        var options = options
        if let schema = try? schema(of: collection) { options.transform = schema.coerced }
        return JSONLImporter(store: store, collection: collection, options: options)
    }
}
