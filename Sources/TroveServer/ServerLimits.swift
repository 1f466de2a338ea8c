import TroveChat
import TroveEngine
import TroveText

/// Every limit the server enforces, in one place: `trove serve --help` prints this text
/// and the README lists the same. A request over a limit is answered 400, 413, 422 or 429 and
/// changes nothing.
public enum ServerLimits {
    public static let text = """
    Limits (each answered 400, 413, 422 or 429; nothing is changed):
      JSON body                   \(ServerSettings().maxBodyBytes >> 20) MiB (413)
      upload                      files.max_upload_bytes, default 50 MiB (413)
      multipart parts             \(MultipartForm.maximumParts) per request (413)
      extracted text per file     \(TextExtractor().maxExpansion)x the upload, at least \(TextExtractor().minTextBytes >> 20) MiB, at most \(TextExtractor().maxTextBytes >> 20) MiB (422)
      chunks per file             \(Ingestor.defaultMaxChunks) (422)
      uploads in flight per user  \(FileLibrary.defaultMaxConcurrentUploads) (429)
      schema fields               \(CollectionSchema.maximumFields) (422)
      search page                 1 to 1000 hits (422 above)
      vector search effort        "nprobe" and "ef_search" per search: 1 to \(EngineQuery.maximumSearchEffort) (400)
      HNSW field parameters       m \(CollectionSchema.hnswLinksRange.lowerBound) to \(CollectionSchema.hnswLinksRange.upperBound), ef_construction and ef_search \(CollectionSchema.hnswCandidatesRange.lowerBound) to \(CollectionSchema.hnswCandidatesRange.upperBound) (400)
      IVF-PQ field parameters     m divides the dimension; rerank 1 to 100 (400)
      IVF field parameters        spill 0 to 1 (400)
      request body members        only documented members, each of its type; error.code is the $.path (400)
      /v1/chat/completions        n 1 to \(CompletionService.maxChoices) (each a call of its own); stop up to 4 strings; logprobs, logit_bias,
                                  audio, prediction refused; seed, penalties, response_format, tool_choice, user
                                  refused where the provider cannot honour them; with conversation_id, no sampling members (400)
      _bulk body                  --max-bulk-mb, default \(ServerSettings().maxBulkBytes >> 20) MiB of NDJSON, read as it arrives (413); a broken line, an unknown action or a
                                  missing document line refuses the whole body (400 naming the line); ?atomic=true: one bad item refuses all (400)
      _aggregate                  \(AggregateRequest.maximumGroups) group_by fields, \(AggregateRequest.maximumMetrics) metrics, size 1 to \(AggregateRequest.maximumSize) (400)
      _delete_by_query            text or filters, or "all": true, not both; no vector; atomic batches of \(Database.deleteBatchSize) (400)
      /api/retrieve               top_k 1 to 100 (400)
      messages/_import            1 to \(ChatService.maximumImport) messages, user or assistant, created_at RFC 3339; all or none (400)
      /v1/embeddings              1 to \(OpenAIEmbeddingRequest.maxInputs) inputs; dimensions only the model's own; token ids are cl100k_base ids (400)
      search depth                offset + limit <= \(EngineQuery.maximumDepth); sort by a field to page further (422)
      query text                  match (default): any text, its first \(EngineQuery.maximumTextBytes / 1024) KiB and \(QueryParser.maximumClauses) distinct words searched;
                                  query_string: \(EngineQuery.maximumTextBytes / 1024) KiB, \(QueryParser.maximumClauses) clauses (422)
      requests per user           --rate-limit / --rate-burst, all of the user's keys together (429)
      routes without a credential --public-rate-limit per client address (429)
      /api/chat/{bot_id}          visitor message 1 to \(BotChatService.maxMessageBytes / 1024) KiB (422), body \(BotChatRoutes.maxBodyBytes >> 10) KiB (413); per bot \(Int(ServerSettings().botRateLimitPerSecond))/s,
                                  bursts of \(Int(ServerSettings().botRateBurst)); per visitor session one message every \(Int(1 / ServerSettings().visitorRateLimitPerSecond)) s, bursts of \(Int(ServerSettings().visitorRateBurst));
                                  the bot's daily_token_budget (429)
      agent api_key, base_url     1 to 4,096 printable ASCII characters; an http(s) URL without user or password (400)
      /api/sessions               kind bot-builder; ttl_seconds \(GuidedSessionService.ttlRange.lowerBound) to \(GuidedSessionService.ttlRange.upperBound) (400); a message up to \(GuidedSessionService.maxMessageBytes / 1024) KiB (422);
                                  \(GuidedSessionService.maxTurns) turns (422); one message at a time (429); completed or abandoned: 409
      login                       --login-attempts per address per minute; 5 failures in a row lock the account for 15 min (429)
      API keys per user           --max-keys (422)
      connections                 --max-connections; idle --idle-timeout s; a request must arrive within --request-timeout s
      shutdown                    in-flight requests get 10 s after SIGTERM, then are cancelled
    """
}
