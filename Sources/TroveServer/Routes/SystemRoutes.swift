import Hummingbird
import TroveChat
import TroveJSON
import TroveRemote

/// `GET /health`: liveness, plus the engine's collections and whether the chat provider answers.
struct SystemRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        router.get("/health") { _, _ in
            let stats = (try? api.system.database.stats().collections) ?? []
            // No URL: /health is public and the address of the provider is not.
            let s = api.system.settings
            let ok = await api.providerProbe.isReachable()
            let provider: JSONValue = .object([("provider", .string(s.provider.rawValue)), ("model", .string(s.llmModel ?? s.provider.fallbackModel)),
                                               ("status", .string(ok ? "ok" : "unreachable"))])
            return JSONResponse.make(.object([
                ("status", .string("ok")),
                ("engine", .object([("collections", .int(Int64(stats.count))), ("documents", .int(Int64(stats.reduce(0) { $0 + $1.documents }))),
                                    ("bytes", .int(stats.reduce(0) { $0 + $1.segmentBytes }))])),
                ("embedder", .object([("model", .string(api.system.embedder.modelName)), ("dimension", .int(Int64(api.system.embedder.dimension)))])),
                ("chat_provider", provider),
            ]))
        }
    }
}
