import Foundation
import Hummingbird
import NIOCore
import TroveChat
import TroveJSON

/// `/api/files` (multipart upload, list, read, delete, signed link) and the public
/// `/files/signed/<token>` download.
struct FileRoutes {
    let api: TroveAPI

    func addPublic(to router: RouterGroup<TroveRequestContext>) {
        router.get("/files/signed/{token}") { _, context in
            let (file, bytes) = try await api.system.files.download(token: context.parameters.require("token"))
            // A link lives only as long as its owner's account: deleted or disabled, it is gone.
            guard let owner = try await api.accounts.get(file.owner), !owner.disabled else { throw APIError.notFound("no file '\(file.id)'") }
            var headers: HTTPFields = [.contentType: file.contentType.mediaType]
            headers[.contentDisposition] = "attachment; filename=\"\(file.name.replacingOccurrences(of: "\"", with: "_"))\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    func add(to router: RouterGroup<TroveRequestContext>) {
        let files = api.system.files
        router.post("/api/files") { request, context in
            let owner = try context.requirePrincipal().userID
            let (name, bytes, collection) = try await upload(request)
            let file = try await files.upload(owner: owner, name: name, bytes: bytes, collection: collection ?? KnowledgeCollection.defaultName)
            return JSONResponse.make(file.json, status: .created)
        }
        router.get("/api/files") { request, context in
            let owner = try context.requirePrincipal().userID
            let page = try await files.list(owner: owner, collection: request.uri.queryParameters.get("collection"), limit: request.limit,
                                            cursor: request.uri.queryParameters.get("cursor"))
            return JSONResponse.list(page.files.map(\.json), cursor: page.cursor)
        }
        router.get("/api/files/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await files.get(owner: owner, id: context.parameters.require("id")).json)
        }
        router.delete("/api/files/{id}") { _, context in
            let owner = try context.requirePrincipal().userID
            try await files.delete(owner: owner, id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.post("/api/files/{id}/reindex") { _, context in
            let owner = try context.requirePrincipal().userID
            return JSONResponse.make(try await files.reindex(owner: owner, id: context.parameters.require("id")).json)
        }
        router.get("/api/files/{id}/url") { request, context in
            let owner = try context.requirePrincipal().userID
            var seconds = 3600
            if let text = request.uri.queryParameters.get("expires_in") {
                guard let s = Int(text), (1...604_800).contains(s) else { throw APIError.badRequest("expires_in: seconds in 1...604800", field: "expires_in") }
                seconds = s
            }
            let (path, expires) = try await files.signedPath(owner: owner, id: context.parameters.require("id"), seconds: seconds)
            return JSONResponse.make(.object([("url", .string(path)), ("expires_at", .string(Timestamp.rfc3339(microseconds: expires * 1_000_000)))]))
        }
    }

    /// The file of a multipart form (field `file`, optional field `collection`), or a raw
    /// body with `?name=` (and `?collection=`). Larger than the upload limit → 413.
    private func upload(_ request: Request) async throws -> (String, [UInt8], String?) {
        let limit = api.system.files.maxUploadBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit + 64 * 1024)
        } catch {
            throw APIError(status: .contentTooLarge, type: "invalid_request_error", message: "the upload is larger than \(limit) bytes", code: "too_large")
        }
        let body = Array(buffer.readableBytesView)
        let query = request.uri.queryParameters
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary) else {
            guard let name = query.get("name") else { throw APIError.badRequest("send multipart/form-data with a 'file' field, or a raw body with ?name=", field: "file") }
            return (name, body, query.get("collection"))
        }
        let form = try MultipartForm(body: body, boundary: boundary)
        guard let file = form.part(named: "file") else { throw APIError.badRequest("the form has no 'file' field", field: "file") }
        let collection = form.part(named: "collection").map { String(decoding: $0.bytes, as: UTF8.self) } ?? query.get("collection")
        return (file.filename ?? "upload", Array(file.bytes), collection)
    }
}
