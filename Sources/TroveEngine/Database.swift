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
    /// Internal: callers above the engine use its verbs (see `Database+Admin.swift`), so
    /// no one can open or write the store without the engine's segment extensions.
    let store: Store
    private let options: DatabaseOptions
    /// Serialises read-then-write calls: the ownership check and the write of
    /// tenant-scoped puts and deletes, and partial updates.
    let checkedWrites = Mutex<Void>(())
    private let searchers = Mutex<[String: CollectionSearchers]>([:])
    /// Snapshots behind score-ordered page cursors.
    let pins = SnapshotPins()

    private init(store: Store, options: DatabaseOptions) {
        self.store = store
        self.options = options
    }

    /// Opens (creating when needed) the database in `path`.
    public static func open(at path: String, options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        Database(store: try Store.open(at: path, options: storeOptions(options)), options: options)
    }

    /// The store options with the engine's segment extensions, without which flushes and
    /// merges would write segments lacking their text and vector sections.
    static func storeOptions(_ options: DatabaseOptions) -> StoreOptions {
        var o = options.store
        let schemaOf: @Sendable ([UInt8]) -> CollectionSchema? = { SchemaCache.schema($0) }
        o.extensions += [
            SchemaExtension(schema: schemaOf),
            // Collections imported before engine schemas existed keep a bare text schema.
            TextSegmentExtension(schema: { _, metadata in schemaOf(metadata)?.textSchema ?? TextSchema(metadata: metadata) }),
            VectorSegmentExtension(registry: QuantizerRegistry(), threads: options.vectorThreads, specs: { _, metadata in schemaOf(metadata)?.vectorSpecs ?? [] }),
        ]
        return o
    }

    public func close() throws {
        pins.removeAll()
        try store.close()
    }

    /// A consistent copy of the whole database in `destination` while writes go on
    /// (segments hard-linked, the manifest copied last); see `Store.backup(to:)`.
    public func backup(to destination: String) throws -> BackupReport { try store.backup(to: destination) }

    // MARK: Collections

    public func createCollection(_ name: String, schema: CollectionSchema) throws {
        guard try !store.snapshot().collectionNames.contains(name) else { throw EngineError.collectionExists(name) }
        try store.createCollection(name, metadata: schema.metadata)
    }

    /// Replaces a collection's schema with a compatible one (fields added only).
    public func updateSchema(of name: String, to schema: CollectionSchema) throws {
        try self.schema(of: name).checkEvolution(to: schema)
        try store.setMetadata(schema.metadata, for: name)
        forgetSearchers(of: name)
    }

    public func schema(of name: String) throws -> CollectionSchema {
        let metadata: [UInt8]
        do { metadata = try store.snapshot().metadata(of: name) } catch StorageError.unknownCollection { throw EngineError.unknownCollection(name) }
        guard let schema = SchemaCache.schema(metadata) else {
            throw EngineError.noSchema(name)
        }
        return schema
    }

    public var collectionNames: [String] { (try? store.snapshot().collectionNames) ?? [] }

    // MARK: Documents

    /// Inserts or replaces documents, all or none (one atomic, durable batch). Runs on the
    /// write threads: it waits for the log's fsync.
    public func put(_ documents: [Document], in collection: String, tenant: String? = nil) async throws {
        try await WriteThreads.run { try self.putSynchronously(documents, in: collection, tenant: tenant) }
    }

    func putSynchronously(_ documents: [Document], in collection: String, tenant: String?) throws {
        // Schema checks run in SchemaExtension, before the log, for the whole batch.
        let schema = try self.schema(of: collection)
        let documents = documents.map(schema.coerced)
        guard let field = schema.tenantField else {
            var batch = WriteBatch()
            for d in documents { batch.put(d, in: collection) }
            return try store.write(batch)
        }
        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
        try checkedWrites.withLock { _ in
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
        try await WriteThreads.run { try self.deleteSynchronously(id, in: collection, tenant: tenant) }
    }

    func deleteSynchronously(_ id: String, in collection: String, tenant: String?) throws -> Bool {
        let schema = try self.schema(of: collection)
        guard let field = schema.tenantField else { return try store.delete(id: id, in: collection) }
        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
        return try checkedWrites.withLock { _ in
            guard let doc = try store.get(id, in: collection), doc[field] == .string(tenant) else { return false }
            return try store.delete(id: id, in: collection)
        }
    }

    /// Changes some fields of a stored document and keeps the others: `set` replaces or
    /// adds fields, `remove` drops them. False when there is no such document (for this
    /// tenant). The tenant field cannot be changed. Atomic with respect to other updates
    /// and tenant-scoped writes.
    @discardableResult
    public func update(_ id: String, in collection: String, tenant: String? = nil, set: [Field] = [], remove: [String] = []) async throws -> Bool {
        try await WriteThreads.run { try self.updateSynchronously(id, in: collection, tenant: tenant, set: set, remove: remove) }
    }

    func updateSynchronously(_ id: String, in collection: String, tenant: String?, set: [Field], remove: [String]) throws -> Bool {
        let schema = try self.schema(of: collection)
        if let field = schema.tenantField {
            guard tenant != nil else { throw EngineError.tenantRequired(collection: collection) }
            guard !remove.contains(field), !set.contains(where: { $0.name == field }) else { throw EngineError.tenantMismatch(id: id) }
        }
        return try checkedWrites.withLock { _ in
            guard var doc = try store.get(id, in: collection) else { return false }
            if let field = schema.tenantField, doc[field] != tenant.map(FieldValue.string) { return false }
            doc.fields.removeAll { f in remove.contains(f.name) || set.contains { $0.name == f.name } }
            doc.fields += set
            var batch = WriteBatch()
            batch.put(schema.coerced(doc), in: collection)
            try store.write(batch)
            return true
        }
    }

    /// Drops the cached searchers of a collection whose schema changed or that is gone.
    func forgetSearchers(of name: String) { searchers.withLock { $0[name] = nil } }

    func searchers(for collection: String, schema: CollectionSchema) -> CollectionSearchers {
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
    var name: String { "trove.schema" }
    let schema: @Sendable ([UInt8]) -> CollectionSchema?

    func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)? { nil }

    func validate(_ document: Document, collection: String, metadata: [UInt8]) throws {
        try schema(metadata)?.validate(document)
    }

    func storeDidOpen(_ snapshot: Snapshot) throws {}
}
