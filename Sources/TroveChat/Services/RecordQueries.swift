import TroveEngine
import TroveStorage

/// Reads of owner-scoped records shared by the services: one record by id, a page in a
/// field order, and every record a filter matches.
struct RecordQueries: Sendable {
    let database: Database

    func get(_ id: String, in collection: String, owner: String) async throws -> Document? {
        guard Self.isPlausibleID(id) else { return nil }
        return try await database.get(id, in: collection, tenant: owner)
    }

    /// One page of documents sorted by `field`, and the cursor of the next page.
    func page(in collection: String, owner: String, filters: [QueryFilter] = [], sort field: String, descending: Bool,
              limit: Int, cursor: String?) async throws -> (documents: [Document], cursor: String?) {
        var q = EngineQuery(filters: filters, limit: limit)
        q.sort = .field(field, descending: descending)
        q.includeDocuments = true
        q.searchAfter = cursor
        let page: SearchPage
        do {
            page = try await database.search(q, in: collection, tenant: owner)
        } catch EngineError.badQuery(let why) {
            throw ChatError.invalid(field: "cursor", reason: why)
        }
        return (page.hits.compactMap(\.document), page.cursor)
    }

    /// Every document the filters match, in `field` order.
    func all(in collection: String, owner: String, filters: [QueryFilter], sort field: String) async throws -> [Document] {
        var out: [Document] = []
        var cursor: String?
        repeat {
            let page = try await page(in: collection, owner: owner, filters: filters, sort: field, descending: false, limit: 1000, cursor: cursor)
            out += page.documents
            cursor = page.cursor
        } while cursor != nil
        return out
    }

    /// Ids are made here (20 base32 characters); anything else cannot name a record, so it
    /// is answered "not found" without asking the engine.
    static func isPlausibleID(_ id: String) -> Bool {
        (1...Document.maxIDBytes).contains(id.utf8.count)
    }
}
