import TroveEngine
import TroveJSON
import TroveStorage
import TroveText
import TroveVector

/// The engine collections the chat services keep their records in. All but the blob
/// reference counts are scoped by the `owner` field, so every read and write of them
/// carries the owner and the engine never returns another owner's record.
public enum ChatCollections {
    public static let agents = "chat_agents"
    public static let conversations = "chat_conversations"
    public static let messages = "chat_messages"
    public static let files = "chat_files"
    public static let chunks = "chat_chunks"
    /// How many files refer to each blob (not owner-scoped: owners share deduplicated blobs).
    public static let blobRefs = "chat_blob_refs"

    static func schemas(embeddingDimension: Int) throws -> [(String, CollectionSchema)] {
        typealias F = CollectionSchema.Field
        let owner = F("owner", .keyword)
        return [
            (agents, try CollectionSchema(fields: [
                owner, F("name", .text(analyzer: .standard, phrases: false)),
                F("created_at", .timestamp), F("updated_at", .timestamp),
            ], tenantField: "owner")),
            (conversations, try CollectionSchema(fields: [
                owner, F("agent_id", .keyword), F("title", .text(analyzer: .standard, phrases: false)),
                F("created_at", .timestamp), F("last_activity_at", .timestamp),
            ], tenantField: "owner")),
            (messages, try CollectionSchema(fields: [
                owner, F("conversation_id", .keyword), F("agent_id", .keyword), F("role", .keyword),
                F("content", .text(analyzer: .english, phrases: true)), F("created_at", .timestamp),
                F("prompt_tokens", .int), F("completion_tokens", .int), F("total_tokens", .int),
                F("model", .keyword), F("status", .keyword),
            ], tenantField: "owner")),
            (files, try CollectionSchema(fields: [
                owner, F("name", .text(analyzer: .standard, phrases: false)), F("sha256", .keyword),
                F("content_type", .keyword), F("collection", .keyword), F("status", .keyword),
                F("size", .int), F("created_at", .timestamp),
            ], tenantField: "owner")),
            (chunks, try CollectionSchema(fields: [
                owner, F("collection", .keyword), F("file_id", .keyword), F("chunk", .int),
                F("text", .text(analyzer: .english, phrases: true)), F("start", .int), F("end", .int),
                F("embedding", .vector(dimension: embeddingDimension, metric: .cosine, index: .flat)),
            ], tenantField: "owner")),
            (blobRefs, try CollectionSchema(fields: [F("refs", .int)])),
        ]
    }

    /// Creates the collections that do not exist yet. An existing chunk collection made
    /// for another embedding dimension is refused: its vectors cannot be searched with
    /// this embedder's queries.
    static func ensure(in database: Database, embeddingDimension: Int) throws {
        let existing = Set(database.collectionNames)
        for (name, schema) in try schemas(embeddingDimension: embeddingDimension) {
            guard existing.contains(name) else {
                try database.createCollection(name, schema: schema)
                continue
            }
            if name == chunks, case let .vector(d, _, _, _, _)? = try database.schema(of: name).field("embedding")?.type, d != embeddingDimension {
                throw ChatError.embedderMismatch(stored: d, configured: embeddingDimension)
            }
        }
    }
}
