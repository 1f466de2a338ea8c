import Foundation
import Synchronization

/// A token bucket per caller: `burst` requests at once, refilled at `perSecond`.
/// A bucket that has refilled is the same as no bucket, so such buckets are dropped when
/// the table grows: memory follows the callers active in the last `burst / perSecond` s.
final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: Double }
    private struct Table { var buckets: [String: Bucket] = [:]; var sweepAt = 1_024 }
    private let table = Mutex(Table())
    let perSecond: Double
    let burst: Double

    init(perSecond: Double, burst: Double) {
        self.perSecond = max(perSecond, 0.001)
        self.burst = max(burst, 1)
    }

    /// Takes one token for `key`: nil when allowed, else the whole seconds until one is available.
    func take(_ key: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        table.withLock { t in
            var b = t.buckets[key] ?? Bucket(tokens: burst, updated: now)
            b.tokens = min(burst, b.tokens + max(0, now - b.updated) * perSecond)
            b.updated = now
            defer {
                t.buckets[key] = b
                if t.buckets.count >= t.sweepAt { sweep(&t, now: now) }
            }
            guard b.tokens >= 1 else { return max(1, Int(((1 - b.tokens) / perSecond).rounded(.up))) }
            b.tokens -= 1
            return nil
        }
    }

    /// How many callers have a bucket (for tests of the sweep).
    var count: Int { table.withLock { $0.buckets.count } }

    private func sweep(_ t: inout Table, now: Double) {
        t.buckets = t.buckets.filter { $0.value.tokens + (now - $0.value.updated) * perSecond < burst }
        t.sweepAt = max(1_024, t.buckets.count * 2)
    }
}
