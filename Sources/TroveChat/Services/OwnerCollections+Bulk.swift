import TroveEngine
import TroveStorage

/// One action of a bulk request, with the line it came from (1-based) so that every
/// answer can point at it.
public enum BulkAction: Sendable {
    /// Insert or replace this document.
    case index(Document, line: Int)
    /// Delete the document with this id.
    case delete(id: String, line: Int)
    /// An action the reader could not turn into a change (a bad id): answered as a failed
    /// item, never applied.
    case refused(action: String, id: String?, line: Int, field: String, reason: String)

    var line: Int {
        switch self {
        case let .index(_, line), let .delete(_, line), let .refused(_, _, line, _, _): return line
        }
    }
}

/// What happened to one bulk action.
public struct BulkItemResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Indexed (inserted or replaced).
        case indexed
        case deleted
        /// A delete of an id that was not there: nothing to do, not an error.
        case notFound
        /// Refused: the member at `field` (a `$.path` in the document) and why. Nothing of it
        /// was written.
        case failed(field: String, reason: String)
    }

    public var action: String
    public var id: String?
    public var line: Int
    public var outcome: Outcome
}

extension OwnerCollections {
    /// Changes applied per atomic write when a bulk request is not atomic as a whole: large
    /// enough that the log's fsync is paid rarely, small enough that one failing write
    /// re-tries few items one by one.
    public static let bulkBatchSize = 5_000

    /// Applies index and delete actions in their order. Every action is checked against
    /// the schema first. With `atomic`, one refused action refuses the request (a
    /// `ChatError.invalid` naming its line and field) and nothing is written; otherwise the
    /// good actions are written in atomic batches and each refused one is reported in its
    /// item, and a batch the store refuses is re-tried item by item so the refusal lands
    /// on the item that caused it.
    public func bulk(owner: String, name: String, _ actions: [BulkAction], atomic: Bool) async throws -> [BulkItemResult] {
        let engine = try resolve(owner: owner, name)
        let schema = try database.schema(of: engine)
        var results: [BulkItemResult] = []
        results.reserveCapacity(actions.count)
        var changes: [(change: DatabaseChange, item: Int)] = []
        changes.reserveCapacity(actions.count)
        // Every embedded field of every document in one embedder call per field, before
        // anything is written.
        let indexed = actions.compactMap { if case let .index(document, _) = $0 { return schema.coerced(document) }; return nil }
        let filled = try await embedMissing(indexed, schema: schema)
        var next = 0
        var touched: [String: Bool] = [:]  // id → exists after the earlier actions of this request
        for action in actions {
            switch action {
            case let .refused(kind, id, line, field, reason):
                results.append(BulkItemResult(action: kind, id: id, line: line, outcome: .failed(field: field, reason: reason)))
            case let .index(_, line):
                let document = filled.documents[next]
                defer { next += 1 }
                if let failure = filled.failures[next] {
                    results.append(BulkItemResult(action: "index", id: document.id, line: line, outcome: .failed(field: failure.field, reason: failure.reason)))
                    continue
                }
                if let refusal = Self.refusal(of: document, schema: schema) {
                    results.append(BulkItemResult(action: "index", id: document.id, line: line, outcome: .failed(field: refusal.field, reason: refusal.reason)))
                    continue
                }
                touched[document.id] = true
                changes.append((.put(document, in: engine), results.count))
                results.append(BulkItemResult(action: "index", id: document.id, line: line, outcome: .indexed))
            case let .delete(id, line):
                let existed: Bool
                if let known = touched[id] { existed = known } else { existed = try await database.get(id, in: engine) != nil }
                touched[id] = false
                changes.append((.delete(id: id, in: engine), results.count))
                results.append(BulkItemResult(action: "delete", id: id, line: line, outcome: existed ? .deleted : .notFound))
            }
        }
        if atomic {
            if let failed = results.first(where: { if case .failed = $0.outcome { return true }; return false }), case let .failed(field, reason) = failed.outcome {
                throw ChatError.invalid(field: "line \(failed.line): \(field)", reason: reason + " (atomic: nothing was written)")
            }
            try await mapped(name) { try await database.apply(changes.map(\.change), tenant: nil) }
            return results
        }
        var start = 0
        while start < changes.count {
            let batch = changes[start ..< min(start + Self.bulkBatchSize, changes.count)]
            start = batch.endIndex
            do {
                try await database.apply(batch.map(\.change), tenant: nil)
            } catch {
                for (change, item) in batch {
                    do { try await database.apply([change], tenant: nil) } catch { results[item].outcome = .failed(field: "$", reason: "\(error)") }
                }
            }
        }
        return results
    }

    /// Why the schema refuses `document`, as a member path and a reason; nil when it fits.
    private static func refusal(of document: Document, schema: CollectionSchema) -> (field: String, reason: String)? {
        do {
            try Document.validate(id: document.id)
            try schema.validate(document)
            return nil
        } catch let SchemaError.document(_, field, reason) {
            return ("$.\(field)", reason)
        } catch let e as StorageError {
            return ("$.id", e.description)
        } catch {
            return ("$", "\(error)")
        }
    }
}
