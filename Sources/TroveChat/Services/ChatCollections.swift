import TroveEngine
import TroveJSON
import TroveStorage
import TroveText
import TroveVector

/// The engine collections the chat services keep their records in. All but the blob
/// reference counts are scoped by the `owner` field, so every read and write of them
/// carries the owner and the engine never returns another owner's record.
public enum ChatCollections {
    public static let agents = Agent.collection
    public static let conversations = Conversation.collection
    public static let messages = ChatMessage.collection
    public static let files = StoredFile.collection
    public static let chunks = StoredChunk.collection
    /// Visitors' sessions with public bots.
    public static let visitorSessions = VisitorSession.collection
    /// Guided sessions (not owner-scoped in the engine, so the expiry sweep is one query;
    /// `GuidedSessionService` checks the owner).
    public static let guidedSessions = GuidedSession.collection
    /// How many files refer to each blob (not owner-scoped: owners share deduplicated blobs).
    public static let blobRefs = "chat_blob_refs"

    static func schemas(embeddingDimension: Int) throws -> [(String, CollectionSchema)] {
        typealias F = CollectionSchema.Field
        return [
            (agents, try Agent.schema), (conversations, try Conversation.schema), (messages, try ChatMessage.schema),
            (files, try StoredFile.schema),
            (chunks, try StoredChunk.schema(embeddingDimension: embeddingDimension)),
            (blobRefs, try CollectionSchema(fields: [F("refs", .int)])),
            (visitorSessions, try VisitorSession.schema),
            (guidedSessions, try GuidedSession.schema),
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
            if name == chunks, case let .vector(d, _, _, _, _, _)? = try database.schema(of: name).field(StoredChunk.FieldName.embedding.rawValue)?.type, d != embeddingDimension {
                throw ChatError.embedderMismatch(stored: d, configured: embeddingDimension)
            }
        }
    }
}
