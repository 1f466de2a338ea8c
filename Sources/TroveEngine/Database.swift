import Synchronization
import TroveStorage
import TroveText
import TroveVector

/// Options of a database.
public struct DatabaseOptions: Sendable {
    public var store = StoreOptions()
    /// Threads of vector search and training.
    public var vectorThreads = 2

    public init() {}
}

/// An embedded database of named collections, each with a schema: the API the chat
/// services call in process. Thread-safe; every read runs on a consistent snapshot.
/// On a tenant-scoped collection every call carries a tenant and the engine restricts
/// reads and writes to it.
public final class Database: Sendable {
    public let store: Store
    private let options: DatabaseOptions
    /// Serialises the ownership check and the write of tenant-scoped puts and deletes.
    private let tenantWrites = Mutex<Void>(())
    private let searchers = Mutex<[String: CollectionSearchers]>([:])

    private init(store: Store, options: DatabaseOptions) {
        self.store = store
        self.options = options
    }

    /// Opens (creating when needed) the database in `path`.
    public static func open(at path: String, options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        var o = options.store
        // Extensions ask for the schema on every document written: parse each metadata once.
        let cache = Mutex<[[UInt8]: CollectionSchema?]>([:])
        let schemaOf: @Sendable ([UInt8]) -> CollectionSchema? = { metadata in
            if let hit = cache.withLock({ $0[metadata] }) { return hit }
            let parsed = CollectionSchema.fromMetadata(metadata)
            cache.withLock { $0[metadata] = .some(parsed) }
            return parsed
        }
        o.extensions += [
            SchemaExtension(schema: schemaOf),
            TextSegmentExtension(schema: { _, metadata in schemaOf(metadata)?.textSchema ?? TextSchema() }),
            VectorSegmentExtension(registry: QuantizerRegistry(), threads: options.vectorThreads, specs: { _, metadata in schemaOf(metadata)?.vectorSpecs ?? [] }),
        ]
        return Database(store: try Store.open(at: path, options: o), options: options)
    }

    public func close() throws { try store.close() }

    // MARK: Collections

    public func createCollection(_ name: String, schema: CollectionSchema) throws {
        guard try !store.snapshot().collectionNames.contains(name) else { throw EngineError.collectionExists(name) }
        try store.createCollection(name, metadata: schema.metadata)
    }

    /// Replaces a collection's schema with a compatible one (fields added only).
    public func updateSchema(of name: String, to schema: CollectionSchema) throws {
        try self.schema(of: name).checkEvolution(to: schema)
        try store.setMetadata(schema.metadata, for: name)
        searchers.withLock { $0[name] = nil }
    }

    public func schema(of name: String) throws -> CollectionSchema {
        let snapshot = try store.snapshot()
        guard snapshot.collectionNames.contains(name) else { throw EngineError.unknownCollection(name) }
        guard let schema = CollectionSchema.fromMetadata(try snapshot.metadata(of: name)) else {
            throw EngineError.noSchema(name)
        }
        return schema
    }

    public var collectionNames: [String] { (try? store.snapshot().collectionNames) ?? [] }

    // MARK: Documents

    /// Inserts or replaces documents, all or none (one atomic, durable batch).
    public func put(_ documents: [Document], in collection: String, tenant: String? = nil) async throws {
        // Schema checks run in SchemaExtension, before the log, for the whole batch.
        let schema = try self.schema(of: collection)
        guard let field = schema.tenantField else {
            var batch = WriteBatch()
            for d in documents { batch.put(d, in: collection) }
            return try store.write(batch)
        }
        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
        try tenantWrites.withLock { _ in
            let snapshot = try store.snapshot()
            var batch = WriteBatch()
            for d in documents {
                guard case .string(tenant)? = d[field] else { throw EngineError.tenantMismatch(id: d.id) }
                if let old = try snapshot.get(d.id, in: collection), old[field] != .string(tenant) { throw EngineError.tenantMismatch(id: d.id) }
                batch.put(d, in: collection)
            }
            try store.write(batch)
        }
    }

    public func put(_ document: Document, in collection: String, tenant: String? = nil) async throws {
        try await put([document], in: collection, tenant: tenant)
    }

    /// The document with this id, or nil (also when it belongs to another tenant).
    public func get(_ id: String, in collection: String, tenant: String? = nil) async throws -> Document? {
        let schema = try self.schema(of: collection)
        guard let doc = try store.get(id, in: collection) else { return nil }
        guard let field = schema.tenantField else { return doc }
        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
        return doc[field] == .string(tenant) ? doc : nil
    }

    /// Deletes the document; false when there is none (for this tenant).
    @discardableResult
    public func delete(_ id: String, in collection: String, tenant: String? = nil) async throws -> Bool {
        let schema = try self.schema(of: collection)
        guard let field = schema.tenantField else { return try store.delete(id: id, in: collection) }
        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
        return try tenantWrites.withLock { _ in
            guard let doc = try store.get(id, in: collection), doc[field] == .string(tenant) else { return false }
            return try store.delete(id: id, in: collection)
        }
    }

    // MARK: Search

    /// Runs `query` on one snapshot: text, vector, or hybrid, restricted to the tenant on
    /// a tenant-scoped collection.
    public func search(_ query: EngineQuery, in collection: String, tenant: String? = nil) async throws -> [EngineHit] {
        let schema = try self.schema(of: collection)
        let s = searchers(for: collection, schema: schema)
        var filters = query.filters
        if let field = schema.tenantField {
            guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
            filters.append(.equals(field: field, value: tenant))
        }
        let filter = try QueryFilters.documentFilter(filters, schema: schema, text: s.text)
        return try HybridSearch(searchers: s, schema: schema, snapshot: store.snapshot(), collection: collection).run(query, filter: filter)
    }

    private func searchers(for collection: String, schema: CollectionSchema) -> CollectionSearchers {
        searchers.withLock { cache in
            if let hit = cache[collection], hit.schema == schema { return hit }
            let made = CollectionSearchers(schema: schema, vectorThreads: options.vectorThreads)
            cache[collection] = made
            return made
        }
    }
}

/// The per-collection searchers (they cache segment indexes), rebuilt when the schema changes.
struct CollectionSearchers: Sendable {
    let schema: CollectionSchema
    let text: TextSearcher
    let vectors: [String: VectorSearcher]

    init(schema: CollectionSchema, vectorThreads: Int) {
        self.schema = schema
        let textSchema = schema.textSchema
        text = TextSearcher(schema: textSchema, defaultField: schema.fields.first { if case .text = $0.type { return true }; return false }?.name ?? "")
        var vectors: [String: VectorSearcher] = [:]
        for (slot, spec) in schema.vectorSpecs.enumerated() { vectors[spec.field] = VectorSearcher(spec: spec, slot: slot, threads: vectorThreads) }
        self.vectors = vectors
    }
}

/// Refuses, before the log, documents that break their collection's schema.
struct SchemaExtension: SegmentExtension {
    let schema: @Sendable ([UInt8]) -> CollectionSchema?

    func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)? { nil }

    func validate(_ document: Document, collection: String, metadata: [UInt8]) throws {
        try schema(metadata)?.validate(document)
    }

    func storeDidOpen(_ snapshot: Snapshot) throws {}
}
