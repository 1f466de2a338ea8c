import NIOPosix
import Synchronization

/// Threads for work that blocks or runs long in one call: parsing an upload, waiting for
/// `pdftotext`, bcrypt. Swift's cooperative pool has one thread per core, so one such call
/// on it stalls every request; here it waits on its own threads, at most `threads` at a
/// time, and at most `queueLimit` more wait their turn (beyond that `run` refuses at once,
/// so a flood cannot build an unbounded backlog).
public final class BlockingPool: Sendable {
    /// Why `run` refused or stopped.
    public enum Refusal: Error, Equatable, Sendable {
        /// `queueLimit` calls are already waiting.
        case full
    }

    private let pool: NIOThreadPool
    private let waiting = Mutex(0)
    public let threads: Int
    public let queueLimit: Int

    public init(threads: Int, queueLimit: Int = 64) {
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// The pool ingestion shares: two threads, as many as this machine's cores.
    public static let shared = BlockingPool(threads: 2)

    /// Runs `work` on one of the pool's threads and returns its result.
    ///
    /// - Throws: `Refusal.full` when too many calls already wait; `work`'s own error;
    ///   `CancellationError` when the task was cancelled before `work` started.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = waiting.withLock { count -> Bool in
            guard count < threads + queueLimit else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Refusal.full }
        defer { waiting.withLock { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }

    deinit { pool.shutdownGracefully { _ in } }
}
