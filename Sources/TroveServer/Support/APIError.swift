#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import TroveChat
import TroveEmbed
import TroveEngine
import TroveJSON
import TroveStorage

/// An error answered in OpenAI's shape, `{"error": {"message", "type", "code"}}`, on every
/// route (so clients need one parser): the status, a type, and a code naming the field or
/// the cause.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var type: String
    public var message: String
    public var code: String?
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, type: String, message: String, code: String? = nil) {
        self.status = status
        self.type = type
        self.message = message
        self.code = code
    }

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(status: .badRequest, type: "invalid_request_error", message: message, code: field)
    }
    static func unauthorized(_ message: String) -> APIError {
        var e = APIError(status: .unauthorized, type: "authentication_error", message: message, code: "invalid_token")
        e.headers[.wwwAuthenticate] = "Bearer"
        return e
    }
    static func forbidden(_ message: String) -> APIError { APIError(status: .forbidden, type: "permission_error", message: message, code: "forbidden") }
    /// A request over one of the server's documented limits: 422, nothing changed.
    static func limit(_ message: String) -> APIError {
        APIError(status: .unprocessableContent, type: "invalid_request_error", message: message, code: "limit_exceeded")
    }
    /// The caller (or the server) has as much in flight as it may: 429 with Retry-After.
    static func busy(_ message: String, retryAfter seconds: Int) -> APIError {
        var e = APIError(status: .tooManyRequests, type: "rate_limit_error", message: message, code: "rate_limited")
        e.headers[.retryAfter] = String(max(1, seconds))
        return e
    }
    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, type: "not_found_error", message: message, code: "not_found") }

    var json: JSONValue {
        .object([("error", .object([("message", .string(message)), ("type", .string(type)), ("code", code.map(JSONValue.string) ?? .null)]))])
    }

    /// The error as an HTTP response.
    var response: Response {
        var r = JSONResponse.make(json, status: status)
        for field in headers { r.headers.append(field) }
        return r
    }

    /// What a service error means over HTTP.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let ChatError.notFound(kind, id): return .notFound("no \(kind) '\(id)'")
        case let ChatError.invalid(field, reason): return .badRequest("\(field): \(reason)", field: field)
        case let e as JSONInputError: return .badRequest(e.description, field: e.path)
        case let e as ChatError:
            switch e {
            case .tooLarge: return APIError(status: .contentTooLarge, type: "invalid_request_error", message: e.description, code: "too_large")
            case .badSignature: return APIError(status: .forbidden, type: "permission_error", message: e.description, code: "bad_signature")
            case .ingestion: return APIError(status: .unsupportedMediaType, type: "invalid_request_error", message: e.description, code: "unsupported_file")
            case .limitExceeded: return .limit(e.description)
            case .busy: return .busy(e.description, retryAfter: 5)
            case let .exhausted(why, seconds): return .busy(why, retryAfter: seconds)
            case let .provider(m, _): return providerError(m)
            case .embedderMismatch: return APIError(status: .internalServerError, type: "server_error", message: e.description)
            case let .conflict(field, _): return APIError(status: .conflict, type: "invalid_request_error", message: e.description, code: field)
            case .corruptRecord: return APIError(status: .internalServerError, type: "server_error", message: e.description, code: "corrupt_record")
            default: return APIError(status: .badRequest, type: "invalid_request_error", message: e.description)
            }
        case let e as ChatModelError: return providerError(e)
        case let e as EngineError:
            switch e {
            case .unknownCollection: return .notFound(e.description)
            case .collectionExists: return APIError(status: .conflict, type: "invalid_request_error", message: e.description, code: "exists")
            case .limitExceeded: return .limit(e.description)
            default: return .badRequest(e.description)
            }
        case let e as SchemaError:
            if case .tooManyFields = e { return .limit(e.description) }
            return .badRequest(e.description)
        case let e as EmbedderError:
            // The server's embedder failed (a remote one unreachable): not the caller's fault.
            return APIError(status: .serviceUnavailable, type: "server_error", message: e.description, code: "embedder_unavailable")
        case is BlockingPool.Refusal: return .busy("the server is busy; try again shortly", retryAfter: 2)
        case let e as StorageError:
            if case .invalidArgument = e { return .badRequest(e.description) }
            if let unavailable = storageUnavailable(e) { return unavailable }
            return APIError(status: .internalServerError, type: "server_error", message: e.description, code: "internal_error")
        case let e as HTTPError:
            return APIError(status: e.status, type: e.status.code < 500 ? "invalid_request_error" : "server_error", message: e.body ?? "\(e.status)")
        default:
            return APIError(status: .internalServerError, type: "server_error", message: "\(error)", code: "internal_error")
        }
    }

    /// The data folder cannot take writes now: 507 when the disk is full, else 503, both
    /// with Retry-After. Reads go on, and writes resume by themselves once the disk does.
    static func storageUnavailable(_ e: StorageError) -> APIError? {
        let code: Int32?
        switch e {
        case let .io(_, _, errno): code = errno
        case let .writesSuspended(_, _, errno): code = errno
        default: return nil
        }
        let full = code == ENOSPC || code == EDQUOT
        var answer = APIError(status: full ? HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage") : .serviceUnavailable,
                              type: "server_error", message: e.description, code: full ? "insufficient_storage" : "storage_unavailable")
        answer.headers[.retryAfter] = "30"
        return answer
    }

    /// A failing model is the upstream's fault: 502 (504 on a timeout, 503 when unreachable).
    static func providerError(_ e: ChatModelError) -> APIError {
        switch e {
        case .timedOut: return APIError(status: .gatewayTimeout, type: "provider_error", message: e.description, code: "provider_timeout")
        case .unreachable, .notConfigured: return APIError(status: .serviceUnavailable, type: "provider_error", message: e.description, code: "provider_unavailable")
        case .modelNotFound: return APIError(status: .notFound, type: "not_found_error", message: e.description, code: "model_not_found")
        default: return APIError(status: .badGateway, type: "provider_error", message: e.description, code: "provider_error")
        }
    }
}

/// Answers any error a route throws in the API's error shape. A server error's detail
/// (file paths, offsets, errno) goes to the log under a reference; the caller gets the
/// reference, not the detail.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Codes whose message names files and system calls, and what the caller reads instead.
    static var hiddenDetail: [String: String] {
        ["internal_error": "internal server error",
         "storage_unavailable": "the server cannot write to its data folder now; reads still work, and writes resume when it can",
         "insufficient_storage": "the server's disk is full; reads still work, and writes resume when space is freed"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var answer = APIError.from(error)
            if let summary = Self.hiddenDetail[answer.code ?? ""] {
                let reference = String(UInt32.random(in: 0...UInt32.max), radix: 16)
                context.logger.error("request failed", metadata: ["reference": .string(reference), "error": .string(answer.message)])
                answer.message = "\(summary) (reference \(reference) in the server log)"
            }
            return answer.response
        }
    }
}
