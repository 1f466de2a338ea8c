import Synchronization

/// How much text one extraction may produce. JSON paths and CSV headers are written
/// again for every value, so a small file can flatten into far more text than it holds;
/// the extractors spend from this as they write and stop at the limit, so the work is
/// bounded by the limit and not by what the input's shape multiplies.
struct TextBudget {
    let limit: Int
    private(set) var used = 0

    init(limit: Int) { self.limit = limit }

    /// Counts `bytes` more; throws once the total passes the limit.
    mutating func spend(_ bytes: Int) throws(IngestionError) {
        used += bytes
        guard used <= limit else { throw .textTooLarge(limit: limit) }
    }
}

/// A flag that work running on another thread polls, set when the task that waits for
/// it is cancelled (a blocked thread cannot see Swift task cancellation by itself).
public final class CancellationFlag: Sendable {
    private let raised = Mutex(false)

    public init() {}

    public var isRaised: Bool { raised.withLock { $0 } }

    public func raise() { raised.withLock { $0 = true } }
}
