import Hummingbird
import TroveChat
import TroveRemote
import TroveStorage

/// `GET /health`: liveness, plus the engine's collections and whether the chat provider answers.
struct SystemRoutes {
    let api: TroveAPI

    func add(to router: Router<TroveRequestContext>) {
        router.get("/health") { _, _ in
            let stats = (try? api.system.database.store.snapshot().stats()) ?? []
            // A quick probe (2 s, no retries): health must answer even when the provider does not.
            let s = api.system.settings
            let probe = ChatModels.make(provider: s.provider, baseURL: s.llmURL, apiKey: s.llmAPIKey, call: HTTPCall(timeout: .seconds(2), retries: 0))
            let ok = (try? await probe.models()) != nil
            let provider: JSONValue = .object([("provider", .string(probe.provider)), ("url", .string(probe.baseURL)),
                                               ("model", .string(s.llmModel ?? s.provider.fallbackModel)), ("status", .string(ok ? "ok" : "unreachable"))])
            return JSONResponse.make(.object([
                ("status", .string("ok")),
                ("engine", .object([("collections", .int(Int64(stats.count))), ("documents", .int(Int64(stats.reduce(0) { $0 + $1.documents })))])),
                ("embedder", .object([("model", .string(api.system.embedder.modelName)), ("dimension", .int(Int64(api.system.embedder.dimension)))])),
                ("chat_provider", provider),
            ]))
        }
    }
}
