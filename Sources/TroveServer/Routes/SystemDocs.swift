import Hummingbird
import NIOCore

/// `GET /metrics`, `GET /openapi.json` and `GET /docs`.
struct SystemDocs {
    let api: TroveAPI

    func add(to router: RouterGroup<TroveRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: ServerMetrics.shared.scrape(api.system.database))))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.page)))
        }
    }
}
