import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Why an outbound HTTP call failed, before any API-specific meaning is given to it.
public enum HTTPCallError: Error, Equatable, CustomStringConvertible {
    case unreachable(url: String, reason: String)
    case timedOut(url: String, seconds: Double)
    case status(url: String, code: Int, body: String)
    case bodyTooLarge(url: String, limit: Int)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): return "\(url) cannot be reached: \(reason)"
        case .timedOut(let url, let seconds): return "\(url) gave no answer within \(seconds) s"
        case .status(let url, let code, let body): return "\(url) answered \(code): \(body)"
        case .bodyTooLarge(let url, let limit): return "\(url) answered with more than \(limit) bytes"
        }
    }
}

/// A JSON POST with a deadline and retries: 429 and 5xx answers and refused connections
/// are tried again after a growing pause (or the server's `Retry-After`, capped), every
/// other failure is thrown at once. Shared by the embedding and chat clients; `getJSON`
/// and the streamed `postLines` (HTTPStream.swift) use the same headers and retries.
public struct HTTPCall: Sendable {
    public var timeout: Duration
    public var retries: Int
    /// The first pause; each retry doubles it.
    public var backoff: Duration
    public var maxResponseBytes: Int
    public var headers: [(String, String)]

    public init(timeout: Duration = .seconds(60), retries: Int = 2, backoff: Duration = .milliseconds(250),
                maxResponseBytes: Int = 64 << 20, headers: [(String, String)] = []) {
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.maxResponseBytes = maxResponseBytes
        self.headers = headers
    }

    /// POSTs `body` as JSON to `url` and returns the response body of a 2xx answer.
    public func postJSON(_ url: String, body: Data) async throws -> Data {
        try await withRetries { try await collected(url, method: .POST, body: body, accept: "application/json") }
    }

    /// A failure worth another attempt, with the pause the server asked for.
    struct RetryableFailure: Error {
        let error: HTTPCallError
        let retryAfter: Duration?
    }

    /// The timeout in seconds, for messages and AsyncHTTPClient's `TimeAmount`.
    var timeoutSeconds: Double {
        Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
    }

    /// Runs `attempt` until it succeeds, throws a non-retryable error, or the retries are
    /// spent (then the last failure is thrown as its `HTTPCallError`).
    func withRetries<T>(_ attempt: () async throws -> T) async throws -> T {
        var tries = 0
        while true {
            do {
                return try await attempt()
            } catch let error as RetryableFailure {
                guard tries < retries else { throw error.error }
                let pause = error.retryAfter.map { min($0, .seconds(10)) } ?? backoff * (1 << tries)
                try await Task.sleep(for: pause)
                tries += 1
            }
        }
    }

    /// One attempt whose 2xx body is read whole (up to `maxResponseBytes`).
    private func collected(_ url: String, method: HTTPMethod, body: Data?, accept: String) async throws -> Data {
        let response = try await send(url, method: method, body: body, accept: accept)
        do {
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            return Data(buffer.readableBytesView)
        } catch {
            throw transportFailure(error, url: url)
        }
    }

    /// One attempt up to the response head: a 2xx response is returned with its body still
    /// to be read; any other status is thrown as `HTTPCallError.status` with up to 2000 bytes
    /// of its body (wrapped as retryable for 429 and 5xx).
    func send(_ url: String, method: HTTPMethod, body: Data?, accept: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if body != nil { request.headers.add(name: "Content-Type", value: "application/json") }
        request.headers.add(name: "Accept", value: accept)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .nanoseconds(Int64(timeoutSeconds * 1e9)))
        } catch {
            throw transportFailure(error, url: url)
        }
        let code = Int(response.status.code)
        if (200..<300).contains(code) { return response }
        let head = await Self.prefix(of: response.body, bytes: 2000)
        let text = String(decoding: head, as: UTF8.self)
        let failure = HTTPCallError.status(url: url, code: code, body: text)
        if code == 429 || code >= 500 {
            let after = response.headers.first(name: "Retry-After").flatMap(Double.init).map { Duration.milliseconds(Int64($0 * 1000)) }
            throw RetryableFailure(error: failure, retryAfter: after)
        }
        throw failure
    }

    /// The first `limit` bytes of an error answer's body; the rest is not waited for, and a
    /// body cut short still gives what came (the status says more than the text).
    private static func prefix(of body: HTTPClientResponse.Body, bytes limit: Int) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                bytes.append(contentsOf: chunk.readableBytesView.prefix(limit - bytes.count))
                if bytes.count >= limit { break }
            }
        } catch {}
        return bytes
    }

    /// What AsyncHTTPClient and NIO throw, as `HTTPCallError`: timeouts, too large bodies,
    /// and failed connections; any other error (refused connections surface as NIO socket
    /// errors) is worth another try.
    func transportFailure(_ error: any Error, url: String) -> any Error {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return HTTPCallError.timedOut(url: url, seconds: timeoutSeconds)
            default:
                return HTTPCallError.unreachable(url: url, reason: "\(error)")
            }
        case is NIOTooManyBytesError:
            return HTTPCallError.bodyTooLarge(url: url, limit: maxResponseBytes)
        case let error as ChannelError:
            return HTTPCallError.unreachable(url: url, reason: "\(error)")
        case is HTTPCallError, is RetryableFailure, is CancellationError:
            return error
        default:
            return RetryableFailure(error: .unreachable(url: url, reason: "\(error)"), retryAfter: nil)
        }
    }
}

extension HTTPCall {
    /// The one client of the process. Unlike `HTTPClient.shared` it gives up on a refused
    /// or unanswered connection after 3 s (AsyncHTTPClient otherwise keeps retrying the
    /// connection until the request's whole deadline), so an unreachable provider fails
    /// fast and the retry policy above decides what happens next.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
