import Hummingbird
import TroveChat

/// Operations on the whole server, for admins: an online backup of the data folder (the
/// CLI cannot open a folder a running server holds).
struct AdminRoutes {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        router.post("/api/admin/backup") { request, context in
            guard try context.requirePrincipal().role == .admin else { throw APIError.forbidden("this route is for admins") }
            let body = try await request.jsonObject(limit: api.settings.maxBodyBytes, members: ["to"])
            guard let to = try body.string("to"), to.hasPrefix("/") else {
                throw APIError.badRequest("$.to: an absolute folder path on the server, new or empty", field: "$.to")
            }
            let (database, folder) = (api.system.database, api.dataFolder)
            // Links, copies and fsyncs: on the blocking pool, not on the request threads.
            let report = try await BlockingPool.shared.run { try DataFolderBackup.run(database: database, dataFolder: folder, to: to) }
            return JSONResponse.make(.object([
                ("to", .string(to)), ("generation", .int(Int64(report.engine.generation))), ("engine_files", .int(Int64(report.engine.files))),
                ("blobs", .int(Int64(report.blobs))), ("blob_bytes", .int(report.blobBytes)), ("secrets", .int(Int64(report.secrets))),
            ]), status: .created)
        }
    }
}
