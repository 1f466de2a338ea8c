import TroveEmbed
import TroveEngine
import TroveJSON
import TroveStorage

/// Raw engine collections that belong to one owner: `name` is the owner's own name for
/// it; the engine collection is `u_<owner>_<name>`, so no owner can name, read or search
/// another's (an unknown name and another owner's are both "not found").
public struct OwnerCollections: Sendable {
    let database: Database
    /// Fills vector fields declared with `embed`, and embeds search text for them.
    let embedder: any Embedder

    static func engineName(owner: String, _ name: String) -> String { "u_\(owner)_\(name)" }

    func resolve(owner: String, _ name: String) throws -> String {
        guard KnowledgeCollection.isValidName(name) else { throw ChatError.notFound(kind: "collection", id: name) }
        let engine = Self.engineName(owner: owner, name)
        guard database.collectionNames.contains(engine) else { throw ChatError.notFound(kind: "collection", id: name) }
        return engine
    }

    /// Creates a collection from its schema JSON (`{"fields": [...]}`, docs/FORMAT.md §7.4a).
    public func create(owner: String, name: String, schema json: JSONValue) throws -> CollectionSchema {
        guard KnowledgeCollection.isValidName(name) else { throw ChatError.invalid(field: "$.name", reason: KnowledgeCollection.nameRule) }
        let schema: CollectionSchema
        do {
            schema = try CollectionSchema(json: json)
        } catch let e as SchemaError {
            if case .tooManyFields = e { throw ChatError.limitExceeded("$.schema: \(e)") }
            // "$.fields[1].embed.from: why" names a member of the schema: answer its path.
            if case let .invalid(why) = e, why.hasPrefix("$."), let colon = why.firstIndex(of: ":") {
                throw ChatError.invalid(field: "$.schema" + why[why.index(after: why.startIndex) ..< colon], reason: String(why[why.index(after: colon)...].drop { $0 == " " }))
            }
            throw ChatError.invalid(field: "$.schema", reason: "\(e)")
        } catch {
            throw ChatError.invalid(field: "$.schema", reason: "\(error)")
        }
        guard schema.tenantField == nil else { throw ChatError.invalid(field: "$.schema.tenant", reason: "owner collections are private already: leave it out") }
        try checkEmbedding(schema)
        do {
            try database.createCollection(Self.engineName(owner: owner, name), schema: schema)
        } catch EngineError.collectionExists {
            throw ChatError.invalid(field: "$.name", reason: "a collection '\(name)' exists")
        }
        return schema
    }

    /// The owner's collections: name, schema, documents.
    public func list(owner: String) throws -> [(name: String, schema: CollectionSchema, documents: Int)] {
        let prefix = Self.engineName(owner: owner, "")
        return try database.collectionNames.filter { $0.hasPrefix(prefix) }.sorted().map { engine in
            (String(engine.dropFirst(prefix.count)), try database.schema(of: engine), try database.documentCount(in: engine))
        }
    }

    public func info(owner: String, name: String) throws -> (schema: CollectionSchema, documents: Int) {
        let engine = try resolve(owner: owner, name)
        return (try database.schema(of: engine), try database.documentCount(in: engine))
    }

    public func drop(owner: String, name: String) throws {
        try database.dropCollection(try resolve(owner: owner, name))
    }

    /// Inserts or replaces the document `id` from its JSON object (schema-checked).
    public func put(owner: String, name: String, id: String, json: JSONValue) async throws -> Document {
        let engine = try resolve(owner: owner, name)
        var doc: Document
        do { doc = try DocumentJSON.document(from: json, makeID: { id }) } catch { throw ChatError.invalid(field: "$", reason: "\(error)") }
        doc.id = id
        do { try Document.validate(id: id) } catch { throw ChatError.invalid(field: "id", reason: "\(error)") }
        let filled = try await embedMissing([doc], schema: try database.schema(of: engine))
        if let failure = filled.failures[0] { throw ChatError.invalid(field: failure.field, reason: failure.reason) }
        doc = filled.documents[0]
        do {
            try await database.put(doc, in: engine)
        } catch let e as SchemaError {
            throw ChatError.invalid(field: "$", reason: e.description)
        }
        return doc
    }

    public func get(owner: String, name: String, id: String) async throws -> Document {
        let engine = try resolve(owner: owner, name)
        guard RecordQueries.isPlausibleID(id), let doc = try await database.get(id, in: engine) else { throw ChatError.notFound(kind: "document", id: id) }
        return doc
    }

    public func delete(owner: String, name: String, id: String) async throws {
        let engine = try resolve(owner: owner, name)
        guard RecordQueries.isPlausibleID(id), try await database.delete(id, in: engine) else { throw ChatError.notFound(kind: "document", id: id) }
    }

    /// Runs an engine query on the owner's collection; `mode` vector or hybrid embeds the
    /// text for the vector side when no vector was sent (see `embedded`).
    public func search(owner: String, name: String, _ query: EngineQuery, mode: SearchMode? = nil) async throws -> SearchPage {
        let engine = try resolve(owner: owner, name)
        let query = try await embedded(query, mode: mode, schema: try database.schema(of: engine))
        return try await mapped(name) { try await database.search(query, in: engine) }
    }

    /// How many of the owner's documents `query` matches.
    public func count(owner: String, name: String, _ query: EngineQuery) async throws -> Int {
        let engine = try resolve(owner: owner, name)
        return try await mapped(name) { try await database.count(query, in: engine) }
    }

    /// Groups and metrics over the documents `query` matches.
    public func aggregate(owner: String, name: String, _ query: EngineQuery, _ aggregation: Aggregation) async throws -> [AggregateBucket] {
        let engine = try resolve(owner: owner, name)
        return try await mapped(name) { try await database.aggregate(query, aggregation, in: engine) }
    }

    /// Deletes the documents `query` matches; how many.
    public func deleteMatching(owner: String, name: String, _ query: EngineQuery) async throws -> Int {
        let engine = try resolve(owner: owner, name)
        return try await mapped(name) { try await database.deleteMatching(query, in: engine) }
    }

    /// Every document of the collection, as of now, in batches read ahead on a thread.
    public func export(owner: String, name: String) throws -> DocumentBatches {
        try database.documents(in: try resolve(owner: owner, name))
    }

    /// Engine errors in the chat layer's words: a bad query is invalid, a limit is a limit.
    func mapped<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as EngineError {
            if case .unknownCollection = e { throw ChatError.notFound(kind: "collection", id: name) }
            if case .limitExceeded = e { throw ChatError.limitExceeded(e.description) }
            throw ChatError.invalid(field: "$", reason: e.description)
        }
    }
}
