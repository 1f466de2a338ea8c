import Dispatch

/// Where the engine's durable writes run. A write waits for the log's fsync (and for the
/// writers' lock while another group commits); on Swift's cooperative pool that wait would
/// hold one of its few threads, so two concurrent writes on a two-core machine stalled
/// every other task until the disk answered. Writes run on these threads instead, and the
/// awaiting caller's thread goes on with other work. Concurrent, so that waiting writers
/// still form one group commit.
enum WriteThreads {
    private static let queue = DispatchQueue(label: "trove.engine.writes", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result(catching: body)) }
        }
    }
}
