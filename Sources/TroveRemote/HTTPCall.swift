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
/// other failure is thrown at once. Shared by the embedding and chat clients.
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
        var attempt = 0
        while true {
            do {
                return try await once(url, body: body)
            } catch let error as RetryableFailure {
                guard attempt < retries else { throw error.error }
                let pause = error.retryAfter.map { min($0, .seconds(10)) } ?? backoff * (1 << attempt)
                try await Task.sleep(for: pause)
                attempt += 1
            }
        }
    }

    private struct RetryableFailure: Error {
        let error: HTTPCallError
        let retryAfter: Duration?
    }

    private func once(_ url: String, body: Data) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let response: HTTPClientResponse
        let collected: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(seconds * 1e9)))
            collected = try await response.body.collect(upTo: maxResponseBytes)
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                throw HTTPCallError.timedOut(url: url, seconds: seconds)
            default:
                throw HTTPCallError.unreachable(url: url, reason: "\(error)")
            }
        } catch is NIOTooManyBytesError {
            throw HTTPCallError.bodyTooLarge(url: url, limit: maxResponseBytes)
        } catch let error as ChannelError {
            throw HTTPCallError.unreachable(url: url, reason: "\(error)")
        } catch let error as HTTPCallError {
            throw error
        } catch {
            if error is CancellationError { throw error }
            // Refused connections surface as NIO socket errors: worth another try.
            throw RetryableFailure(error: .unreachable(url: url, reason: "\(error)"), retryAfter: nil)
        }
        let code = Int(response.status.code)
        let data = Data(collected.readableBytesView)
        if (200..<300).contains(code) { return data }
        let text = String(decoding: data.prefix(2000), as: UTF8.self)
        let failure = HTTPCallError.status(url: url, code: code, body: text)
        if code == 429 || code >= 500 {
            let after = response.headers.first(name: "Retry-After").flatMap(Double.init).map { Duration.milliseconds(Int64($0 * 1000)) }
            throw RetryableFailure(error: failure, retryAfter: after)
        }
        throw failure
    }
}
