/// A batch waiting for a group commit. Fields change only under the store's writer lock.
final class PendingCommit: @unchecked Sendable {
    let operations: [EncodedOperation]
    let payload: [UInt8]
    var done = false
    var error: (any Error)?

    init(operations: [EncodedOperation]) {
        self.operations = operations
        payload = EncodedOperation.payload(operations)
    }
}

extension Store {
    /// Applies `batch` atomically and durably: when this returns, the batch is in the log
    /// (synced, unless `durability` says otherwise) and visible to new snapshots.
    /// Concurrent callers share one log write and one fsync.
    public func write(_ batch: WriteBatch) throws {
        guard !batch.isEmpty else { return }
        if closed.load(ordering: .acquiring) { throw StorageError.closed }
        let request = PendingCommit(operations: try encode(batch))
        guard request.payload.count <= WALFormat.maxRecordLength else {
            throw StorageError.invalidArgument("batch of \(request.payload.count) bytes exceeds the \(WALFormat.maxRecordLength)-byte record limit")
        }
        pending.withLock { $0.append(request) }
        writerLock.lock()
        // Another writer may have committed this batch already: then its outcome stands,
        // whatever happened to the store since.
        if !request.done {
            do {
                try checkWritable()
                let group = pending.withLock { queue in
                    defer { queue.removeAll() }
                    return queue
                }
                try commitGroup(group)
            } catch {
                // Refused before the group was taken: take this batch back out, or the next
                // writer would commit a batch its caller was told had failed.
                pending.withLock { $0.removeAll { $0 === request } }
                writerLock.unlock()
                throw error
            }
        }
        writerLock.unlock()
        if let error = request.error { throw error }
    }

    /// Convenience for a single put.
    public func put(_ document: Document, in collection: String) throws {
        var batch = WriteBatch()
        batch.put(document, in: collection)
        try write(batch)
    }

    /// Deletes by id; returns whether a live document was there (as seen just before).
    @discardableResult
    public func delete(id: String, in collection: String) throws -> Bool {
        let existed = try get(id, in: collection) != nil
        var batch = WriteBatch()
        batch.delete(id: id, in: collection)
        try write(batch)
        return existed
    }

    private func encode(_ batch: WriteBatch) throws -> [EncodedOperation] {
        let state = published.withLock { $0 }
        var ops: [EncodedOperation] = []
        ops.reserveCapacity(batch.count)
        for op in batch.operations {
            switch op {
            case let .put(collection, document):
                let c = try state.collection(named: collection)
                for e in options.extensions { try e.validate(document, collection: c.name, metadata: c.metadata) }
                let encoded = try DocumentCodec.encode(document)
                ops.append(EncodedOperation(kind: EncodedOperation.put, collection: c.id, id: document.id, hash: IDHash.hash(document.id), encoded: encoded))
            case let .delete(collection, id):
                let c = try state.collection(named: collection)
                try Document.validate(id: id)
                ops.append(EncodedOperation(kind: EncodedOperation.delete, collection: c.id, id: id, hash: IDHash.hash(id), encoded: []))
            }
        }
        return ops
    }

    /// Writes the group's records with one write and one sync, applies them, publishes.
    /// Runs as the writer.
    private func commitGroup(_ group: [PendingCommit]) throws {
        var state = published.withLock { $0 }
        var accepted: [PendingCommit] = []
        for r in group {
            if let missing = r.operations.first(where: { state.collections[$0.collection] == nil }) {
                r.error = StorageError.unknownCollection("#\(missing.collection) (dropped)")
                r.done = true
            } else {
                accepted.append(r)
            }
        }
        guard !accepted.isEmpty else { return }
        guard let wal else {
            for r in accepted { r.error = StorageError.closed; r.done = true }
            throw StorageError.closed
        }
        var framed = ByteWriter(capacity: accepted.reduce(0) { $0 + $1.payload.count + WALFormat.recordHeaderSize })
        for r in accepted { WALFormat.frame(type: WALFormat.recordTypeBatch, payload: r.payload, into: &framed) }
        do {
            try wal.append(framed: framed.bytes)
            try syncAfterWrite()
            for r in accepted { try state.apply(r.operations) }
        } catch {
            // The log may now end in a partial record; refuse further writes until `resume()`
            // has moved everything acknowledged to a new log.
            poisoned = (error as? StorageError) ?? .invalidArgument("\(error)")
            for r in accepted { r.error = error; r.done = true }
            throw error
        }
        publish(state)
        for r in accepted { r.done = true }
        if state.memtableBytes >= options.memtableBytes {
            // A failed flush poisons the store; this batch is durable all the same.
            if options.backgroundFlush { try? flushInBackground() } else { try? flushLocked(force: false) }
        }
    }

    private func syncAfterWrite() throws {
        switch options.durability {
        case .sync:
            try wal?.sync()
        case let .interval(ms):
            unsynced = true
            if ContinuousClock.now - lastSync >= .milliseconds(ms) { try syncNow() }
        }
    }

    func syncNow() throws {
        try wal?.sync()
        unsynced = false
        lastSync = ContinuousClock.now
    }

    /// Called by the background thread in `interval` mode so that a quiet store still
    /// syncs within the interval.
    func syncIfDue() {
        guard case let .interval(ms) = options.durability else { return }
        writerLock.lock()
        defer { writerLock.unlock() }
        guard unsynced, !closed.load(ordering: .acquiring), poisoned == nil,
              ContinuousClock.now - lastSync >= .milliseconds(ms) else { return }
        do { try syncNow() } catch { poisoned = (error as? StorageError) ?? .invalidArgument("\(error)") }
    }
}

extension StoreState {
    /// Applies logged operations: each put or delete first retires the live version of
    /// its id, so at most one version of an id is ever live. Used by commits and replay.
    mutating func apply(_ ops: [EncodedOperation]) throws {
        for op in ops {
            guard var c = collections.removeValue(forKey: op.collection) else { continue }
            defer { collections[op.collection] = c }
            switch try c.locate(id: op.id, hash: op.hash) {
            case let .memtable(m)?:
                c.memtableDeletes.insert(m)
            case let .segment(s, o, _)?:
                c.segments[s].deletes.insert(o)
                c.segments[s].deletesDirty = true
            case nil:
                break
            }
            if op.kind == EncodedOperation.put {
                let ordinal = op.encoded.withUnsafeBytes { c.memtable.append(hash: op.hash, encoded: $0) }
                c.memtableCount = ordinal + 1
            }
        }
    }
}
