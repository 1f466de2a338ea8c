import HTTPTypes
import Hummingbird
import NIOCore

/// The web app at `/` and its files at `/app/…`: static, compiled in, revalidated by
/// ETag, and sent with a Content-Security-Policy that allows no inline script. The app
/// itself only calls the public API.
struct WebRoutes {
    func add(to router: RouterGroup<TroveRequestContext>) {
        router.get("/") { request, _ in Self.serve(WebAssets.index, request) }
        router.get("/app/{file}") { request, context in
            let name = try context.parameters.require("file")
            guard let asset = WebAssets.files[name] else { throw APIError.notFound("no web app file '\(name)'") }
            return Self.serve(asset, request)
        }
    }

    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    static func serve(_ asset: WebAsset, _ request: Request) -> Response {
        var headers: HTTPFields = [
            .contentSecurityPolicy: WebAssets.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            referrerPolicy: "no-referrer",
            .eTag: asset.etag,
            // Always revalidate: an unchanged file costs a 304, a new build is seen at once.
            .cacheControl: "no-cache",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
