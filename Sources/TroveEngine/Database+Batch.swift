import TroveStorage

/// One change of a multi-collection batch.
public enum DatabaseChange: Sendable {
    case put(Document, in: String)
    case delete(id: String, in: String)
}

extension Database {
    /// Applies puts and deletes across collections as one atomic, durable batch: all or
    /// none. On tenant-scoped collections a put must carry `tenant` in its tenant field and
    /// may not replace another tenant's document, and a delete of another tenant's (or a
    /// missing) document is skipped; any refused put refuses the whole batch before
    /// anything is written. Collections without a tenant field take the changes as they are.
    /// Runs on the write threads: it waits for the log's fsync.
    public func apply(_ changes: [DatabaseChange], tenant: String?) async throws {
        try await WriteThreads.run { try self.applySynchronously(changes, tenant: tenant) }
    }

    /// `apply` for callers that must not suspend between a read and this write (an actor
    /// keeping a read-change-write in one turn). It blocks its thread for the fsync: use
    /// `apply` wherever a suspension is harmless.
    public func applySynchronously(_ changes: [DatabaseChange], tenant: String?) throws {
        guard !changes.isEmpty else { return }
        var schemas: [String: CollectionSchema] = [:]
        for change in changes {
            let name: String
            switch change { case let .put(_, c): name = c; case let .delete(_, c): name = c }
            if schemas[name] == nil { schemas[name] = try schema(of: name) }
        }
        try checkedWrites.withLock { _ in
            let snapshot = try store.snapshot()
            var batch = WriteBatch()
            for change in changes {
                switch change {
                case let .put(document, collection):
                    guard let schema = schemas[collection] else { continue }
                    let document = schema.coerced(document)
                    if let field = schema.tenantField {
                        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
                        guard case .string(tenant)? = document[field] else { throw EngineError.tenantMismatch(id: document.id) }
                        if let old = try snapshot.get(document.id, in: collection), old[field] != .string(tenant) {
                            throw EngineError.tenantMismatch(id: document.id)
                        }
                    }
                    batch.put(document, in: collection)
                case let .delete(id, collection):
                    if let field = schemas[collection]?.tenantField {
                        guard let tenant else { throw EngineError.tenantRequired(collection: collection) }
                        guard let old = try snapshot.get(id, in: collection), old[field] == .string(tenant) else { continue }
                    }
                    batch.delete(id: id, in: collection)
                }
            }
            guard !batch.isEmpty else { return }
            try store.write(batch)
        }
    }
}
