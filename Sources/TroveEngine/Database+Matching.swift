import Foundation
import TroveStorage

extension Database {
    /// Deletes made by `deleteMatching` go in batches of this many, each one atomic and
    /// durable, so a query matching millions of documents does not build one huge batch.
    public static let deleteBatchSize = 5_000

    /// The ids of every document `query` matches on one snapshot (for a vector query: of
    /// its `fusionDepth` nearest neighbours that pass the filters), whatever `limit` says.
    public func matchingIDs(_ query: EngineQuery, in collection: String, tenant: String? = nil) async throws -> [String] {
        try Self.checkDepth(query)
        let context = try self.context(query, collection: collection, tenant: tenant, snapshot: nil)
        let all = try candidates(query, context: context)
        return try all.items.map { try all.id($0) }
    }

    /// Deletes every document `query` matches, as of the moment it runs, and returns how
    /// many it deleted. Each batch of `deleteBatchSize` is all-or-nothing; a failure part
    /// way leaves the earlier batches deleted, and running it again finishes the job.
    public func deleteMatching(_ query: EngineQuery, in collection: String, tenant: String? = nil) async throws -> Int {
        let ids = try await matchingIDs(query, in: collection, tenant: tenant)
        var deleted = 0
        for start in stride(from: 0, to: ids.count, by: Self.deleteBatchSize) {
            let batch = ids[start..<min(ids.count, start + Self.deleteBatchSize)]
            try await apply(batch.map { .delete(id: $0, in: collection) }, tenant: tenant)
            deleted += batch.count
        }
        return deleted
    }

    /// Every live document of `collection` (only `tenant`'s on a tenant-scoped one), as of
    /// one snapshot, in batches of `batchSize`. The documents are read on a thread of their
    /// own, at most `buffered` batches ahead of the consumer, so a large collection is
    /// neither held in memory nor read on Swift's cooperative pool; ending the iteration
    /// early stops the reading.
    public func documents(in collection: String, tenant: String? = nil, batchSize: Int = 256, buffered: Int = 4) throws -> DocumentBatches {
        let schema = try self.schema(of: collection)
        if schema.tenantField != nil, tenant == nil { throw EngineError.tenantRequired(collection: collection) }
        let snapshot = try store.snapshot()
        let tenantField = schema.tenantField
        let slots = ReadAheadSlots(max(1, buffered))
        let (stream, continuation) = AsyncThrowingStream<[Document], any Error>.makeStream()
        continuation.onTermination = { _ in slots.stop() }
        let reader = Thread {
            // Foundation does not pass a Thread's name to the system on Linux; the thread
            // names itself (Linux's per-thread comm file; elsewhere this does nothing).
            try? "trove-documents".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            var batch: [Document] = []
            func send() -> Bool {
                guard slots.take() else { return false }
                continuation.yield(batch)
                batch = []
                return true
            }
            do {
                try snapshot.forEach(in: collection) { doc in
                    if let field = tenantField, doc[field] != .string(tenant ?? "") { return !slots.stopped }
                    batch.append(doc)
                    return batch.count < max(1, batchSize) || send()
                }
                if !batch.isEmpty { _ = send() }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        // Named (above, for `top -H` and /proc) so that a reader still running shows.
        reader.name = "trove-documents"
        reader.start()
        return DocumentBatches(stream: stream, slots: slots)
    }
}

/// The batches `Database.documents(in:)` reads ahead: taking one frees a slot for the
/// reading thread.
public struct DocumentBatches: AsyncSequence, Sendable {
    public typealias Element = [Document]
    let stream: AsyncThrowingStream<[Document], any Error>
    let slots: ReadAheadSlots

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncThrowingStream<[Document], any Error>.AsyncIterator
        let slots: ReadAheadSlots

        public mutating func next() async throws -> [Document]? {
            let batch = try await inner.next()
            if batch != nil { slots.give() }
            return batch
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: stream.makeAsyncIterator(), slots: slots) }
}

/// How many batches the reading thread may have ahead of the consumer. A condition
/// variable rather than a DispatchSemaphore: a consumer that stops early leaves batches
/// taken and never given back, which libdispatch treats as a bug when the semaphore is
/// freed.
final class ReadAheadSlots: @unchecked Sendable {
    private let condition = NSCondition()
    private var free: Int
    private var isStopped = false

    init(_ count: Int) { free = count }

    /// Waits for a free slot; false once the consumer has gone.
    func take() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while free == 0 && !isStopped { condition.wait() }
        if isStopped { return false }
        free -= 1
        return true
    }

    /// A batch was consumed.
    func give() {
        condition.lock()
        free += 1
        condition.signal()
        condition.unlock()
    }

    /// The consumer has gone: the reader stops at its next step.
    func stop() {
        condition.lock()
        isStopped = true
        condition.broadcast()
        condition.unlock()
    }

    var stopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return isStopped
    }
}
