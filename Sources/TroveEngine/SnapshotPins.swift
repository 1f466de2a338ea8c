import Synchronization
import TroveStorage

/// Snapshots kept for score-ordered paging: a page cursor names one, so every page of a
/// query is cut from the same view even while writes go on (scores shift as statistics
/// change, so re-running on a newer view could repeat or skip hits). Kept a few minutes
/// after last use, at most `capacity` of them; each holds its segment files alive.
final class SnapshotPins: Sendable {
    static let lifetimeSeconds = 300
    static let capacity = 256

    private struct Pin {
        let snapshot: Snapshot
        var lastUse: ContinuousClock.Instant
    }

    private let pins = Mutex<[UInt64: Pin]>([:])

    /// Keeps `snapshot` and returns its token.
    func pin(_ snapshot: Snapshot) -> UInt64 {
        var rng = SystemRandomNumberGenerator()
        let token = rng.next() as UInt64
        let now = ContinuousClock.now
        pins.withLock { pins in
            pins = pins.filter { now - $0.value.lastUse < .seconds(Self.lifetimeSeconds) }
            if pins.count >= Self.capacity, let oldest = pins.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                pins[oldest.key] = nil
            }
            pins[token] = Pin(snapshot: snapshot, lastUse: now)
        }
        return token
    }

    /// The snapshot pinned under `token`, or nil when it has expired.
    func snapshot(_ token: UInt64) -> Snapshot? {
        let now = ContinuousClock.now
        return pins.withLock { pins in
            guard var pin = pins[token], now - pin.lastUse < .seconds(Self.lifetimeSeconds) else {
                pins[token] = nil
                return nil
            }
            pin.lastUse = now
            pins[token] = pin
            return pin.snapshot
        }
    }

    func removeAll() { pins.withLock { $0 = [:] } }
}
