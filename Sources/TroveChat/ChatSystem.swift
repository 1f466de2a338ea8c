import Foundation
import TroveEmbed
import TroveEngine
import TroveJSON
import TroveStorage

/// The chat services over one data folder: the engine database in `engine/`, uploaded
/// files' bytes in `blobs/`, the download-link key in `secrets/` (docs/FORMAT.md). Open
/// it once per process; every service is safe to call from many tasks.
public final class ChatSystem: Sendable {
    public let database: Database
    public let settings: ChatSettings
    public let embedder: any Embedder
    public let counter: any TokenCounter
    public let agents: AgentService
    public let conversations: ConversationService
    public let messages: MessageLog
    public let usage: UsageReport
    public let files: FileLibrary
    public let retriever: Retriever
    public let chat: ChatService
    public let completions: CompletionService
    public let collections: OwnerCollections
    /// Visitors' chats with public bots.
    public let bots: BotChatService
    /// Guided sessions (the bot builder).
    public let sessions: GuidedSessionService
    /// The data folder's key files (`secrets/`).
    public let secrets: SecretKeys

    /// Opens (creating when needed) the data folder. `embedder` defaults to the one the
    /// settings name; `counter` to the native model's WordPiece vocabulary when it is the
    /// embedder, else an estimate.
    public static func open(dataFolder: String, settings: ChatSettings, embedder: (any Embedder)? = nil,
                            counter: (any TokenCounter)? = nil, options: DatabaseOptions = DatabaseOptions()) async throws -> ChatSystem {
        try LocalFileSystem().createDirectory(dataFolder)
        // The folder holds every user's data and the server's secrets: the owner's alone.
        chmod(dataFolder, 0o700)
        let inner: any Embedder
        if let embedder { inner = embedder } else { inner = try await settings.embedder.make() }
        let counter = counter ?? (inner as? MiniLMEmbedder).map { WordPieceTokenCounter($0.tokenizer) as any TokenCounter } ?? EstimatingTokenCounter()
        let database = try Database.open(at: dataFolder + "/engine", options: options)
        do {
            try ChatCollections.ensure(in: database, embeddingDimension: inner.dimension)
            let system = try ChatSystem(database: database, settings: settings, dataFolder: dataFolder,
                                        embedder: CachedEmbedder(inner, capacity: max(1, settings.embeddingCacheEntries)), counter: counter)
            // Nothing is being uploaded yet: a blob no record counts was left by a crash.
            _ = try await system.files.removeOrphanBlobs()
            return system
        } catch {
            try? database.close()
            throw error
        }
    }

    private init(database: Database, settings: ChatSettings, dataFolder: String, embedder: any Embedder, counter: any TokenCounter) throws {
        self.database = database
        self.settings = settings
        self.embedder = embedder
        self.counter = counter
        let ids = IDGenerator()
        let secrets = SecretKeys(folder: dataFolder + "/secrets")
        self.secrets = secrets
        // Read at open, so a damaged key file stops the server at once, not at a bot's first message.
        let keys = AgentKeyVault(key: try secrets.dataKey())
        agents = AgentService(database: database, ids: ids, keys: keys)
        conversations = ConversationService(database: database, ids: ids, agents: agents)
        messages = MessageLog(database: database)
        usage = UsageReport(database: database)
        retriever = Retriever(database: database, embedder: embedder, counter: counter)
        let splitter = try TextSplitter(chunkTokens: settings.chunkTokens, overlapTokens: settings.chunkOverlapTokens, counter: counter)
        let ingestor = Ingestor(extractor: TextExtractor(), splitter: splitter, embedder: embedder)
        files = FileLibrary(database: database, blobs: try BlobStore(root: dataFolder + "/blobs"), ids: ids,
                            signer: try URLSigner.load(secrets: secrets), ingestor: ingestor, maxUploadBytes: settings.maxUploadBytes)
        let cache = settings.responseCacheSeconds > 0 ? ResponseCache(ttl: .seconds(settings.responseCacheSeconds)) : nil
        collections = OwnerCollections(database: database, embedder: embedder)
        completions = CompletionService(agents: agents, retriever: retriever, models: settings.registry, keys: keys, counter: counter)
        chat = ChatService(conversations: conversations, agents: agents, messages: messages, retriever: retriever, models: settings.registry,
                           keys: keys, counter: counter, responseCache: cache, ids: ids)
        bots = BotChatService(database: database, conversations: conversations, chat: chat, usage: usage, ids: ids)
        sessions = GuidedSessionService(database: database, agents: agents, models: settings.registry, ids: ids,
                                        defaultTTLSeconds: settings.sessionTTLSeconds)
    }

    /// Passages for a question without any model call: what still answers when no chat
    /// provider is reachable.
    public func retrieve(owner: String, query: String, collections: [String] = [], topK: Int = 5, hybrid: Bool = true,
                         minScore: Double = 0) async throws -> [Source] {
        for (i, name) in collections.enumerated() where !KnowledgeCollection.isValidName(name) {
            throw ChatError.invalid(field: "$.collections[\(i)]", reason: KnowledgeCollection.nameRule)
        }
        return try await retriever.retrieve(owner: owner, Retriever.Request(query: query, collections: collections, topK: max(1, min(topK, 100)),
                                                                            hybrid: hybrid, minScore: minScore))
    }

    public func close() throws { try database.close() }
}
