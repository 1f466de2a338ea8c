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

    private struct Pins {
        var byToken: [UInt64: Pin] = [:]
        /// The token of each pinned view, so every query on one view shares one pin.
        var tokenOfVersion: [UInt64: UInt64] = [:]
        var lastSweep = ContinuousClock.now

        mutating func remove(_ token: UInt64) {
            if let pin = byToken.removeValue(forKey: token) { tokenOfVersion[pin.snapshot.version] = nil }
        }
    }

    private let pins = Mutex(Pins())

    /// Keeps `snapshot` and returns its token (the same token for the same view).
    func pin(_ snapshot: Snapshot) -> UInt64 {
        let now = ContinuousClock.now
        return pins.withLock { pins in
            if let token = pins.tokenOfVersion[snapshot.version], pins.byToken[token] != nil {
                pins.byToken[token]?.lastUse = now
                return token
            }
            // Expired pins go at most once a second, not on every call.
            if now - pins.lastSweep > .seconds(1) {
                pins.lastSweep = now
                for (token, pin) in pins.byToken where now - pin.lastUse >= .seconds(Self.lifetimeSeconds) { pins.remove(token) }
            }
            if pins.byToken.count >= Self.capacity, let oldest = pins.byToken.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                pins.remove(oldest.key)
            }
            var rng = SystemRandomNumberGenerator()
            let token = rng.next() as UInt64
            pins.byToken[token] = Pin(snapshot: snapshot, lastUse: now)
            pins.tokenOfVersion[snapshot.version] = token
            return token
        }
    }

    /// The snapshot pinned under `token`, or nil when it has expired.
    func snapshot(_ token: UInt64) -> Snapshot? {
        let now = ContinuousClock.now
        return pins.withLock { pins in
            guard let pin = pins.byToken[token], now - pin.lastUse < .seconds(Self.lifetimeSeconds) else {
                pins.remove(token)
                return nil
            }
            pins.byToken[token]?.lastUse = now
            return pin.snapshot
        }
    }

    func removeAll() { pins.withLock { $0 = Pins() } }
}
