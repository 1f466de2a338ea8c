import Hummingbird

/// Lets only the configured origins through to CORS: a request from any other origin
/// loses its `Origin` header, so the CORS middleware (which echoes the request's origin)
/// adds nothing that would let a browser read the answer.
struct OriginGate<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], !origins.contains(origin) else { return try await next(request, context) }
        var head = request.head
        head.headerFields[.origin] = nil
        return try await next(Request(head: head, body: request.body), context)
    }
}
