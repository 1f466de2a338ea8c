import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension HTTPCall {
    /// What streaming chat APIs answer with: server-sent events (OpenAI, Anthropic),
    /// newline-delimited JSON (Ollama), or plain JSON when a server ignores `stream`.
    static let streamAccept = "text/event-stream, application/x-ndjson, application/json"

    /// POSTs `body` as JSON to `url` and returns the lines of a 2xx answer as they arrive.
    ///
    /// 429, 5xx and refused connections are retried as in `postJSON`, which is safe because
    /// no body byte has been handed out before the status is known. `timeout` is the deadline
    /// of the whole response, head and body; a line longer than `maxResponseBytes` ends the
    /// stream with `HTTPCallError.bodyTooLarge`.
    public func postLines(_ url: String, body: Data) async throws -> HTTPLineStream {
        let (response, deadline) = try await withRetries { () async throws -> (HTTPClientResponse, ContinuousClock.Instant) in
            // Each attempt gets the full timeout, as in postJSON; the body shares its attempt's.
            let deadline = ContinuousClock.now + timeout
            return (try await send(url, method: .POST, body: body, accept: Self.streamAccept), deadline)
        }
        return HTTPLineStream(body: response.body, url: url, deadline: deadline, call: self)
    }

    /// GETs `url` (headers and retries as in `postJSON`) and returns the body of a 2xx answer.
    public func getJSON(_ url: String) async throws -> Data {
        try await withRetries { () async throws -> Data in
            let response = try await send(url, method: .GET, body: nil, accept: "application/json")
            do {
                let buffer = try await response.body.collect(upTo: maxResponseBytes)
                return Data(buffer.readableBytesView)
            } catch {
                throw transportFailure(error, url: url)
            }
        }
    }
}

/// The lines of a streamed HTTP response body, split on "\n" with a trailing "\r" removed;
/// a last line without "\n" is delivered too. Iterating throws `HTTPCallError` (`timedOut`
/// at the response's deadline, `bodyTooLarge` for an overlong line, `unreachable` when the
/// connection breaks). Dropping the iteration cancels the request.
public struct HTTPLineStream: AsyncSequence, Sendable {
    public typealias Element = String

    private let lines: AsyncThrowingStream<String, any Error>

    init(body: HTTPClientResponse.Body, url: String, deadline: ContinuousClock.Instant, call: HTTPCall) {
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let limit = call.maxResponseBytes
        // A reader task rather than reading in `next()`: the deadline must interrupt a read
        // that is waiting on a silent server, which needs a race between two child tasks.
        let reader = Task {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Self.split(body, into: continuation, url: url, limit: limit) }
                    group.addTask {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        throw HTTPCallError.timedOut(url: url, seconds: call.timeoutSeconds)
                    }
                    // Whichever ends first decides; the other is cancelled.
                    _ = try await group.next()
                    group.cancelAll()
                }
                continuation.finish()
            } catch {
                let mapped = call.transportFailure(error, url: url)
                if let retryable = mapped as? HTTPCall.RetryableFailure {
                    // Too late to retry once lines were handed out: report the failure itself.
                    continuation.finish(throwing: retryable.error)
                } else {
                    continuation.finish(throwing: mapped)
                }
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        self.lines = lines
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: lines.makeAsyncIterator())
    }

    /// Yields the lines of the body to `continuation` as they complete.
    private static func split(_ body: HTTPClientResponse.Body, into continuation: AsyncThrowingStream<String, any Error>.Continuation,
                              url: String, limit: Int) async throws {
        var pending: [UInt8] = []
        for try await chunk in body {
            var view = chunk.readableBytesView
            while let newline = view.firstIndex(of: UInt8(ascii: "\n")) {
                pending.append(contentsOf: view[view.startIndex..<newline])
                view = view[view.index(after: newline)...]
                if pending.count > limit { throw HTTPCallError.bodyTooLarge(url: url, limit: limit) }
                continuation.yield(line(pending))
                pending.removeAll(keepingCapacity: true)
            }
            pending.append(contentsOf: view)
            if pending.count > limit { throw HTTPCallError.bodyTooLarge(url: url, limit: limit) }
        }
        if !pending.isEmpty { continuation.yield(line(pending)) }
    }

    private static func line(_ bytes: [UInt8]) -> String {
        if bytes.last == UInt8(ascii: "\r") { return String(decoding: bytes.dropLast(), as: UTF8.self) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads the lines in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<String, any Error>.AsyncIterator

        public mutating func next() async throws -> String? {
            try await base.next()
        }
    }
}
