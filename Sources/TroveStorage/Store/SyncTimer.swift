import Foundation
import Synchronization

/// In `interval` durability, syncs the log every interval on a thread of its own, so the
/// promise "durable within N ms" holds while no write comes and while merges run.
final class SyncTimer: @unchecked Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(store: Store, milliseconds: Int) {
        let thread = Thread { [weak store, self] in
            while !self.stopping.load(ordering: .acquiring) {
                usleep(UInt32(min(milliseconds, 1000)) * 1000)
                store?.syncIfDue()
            }
            self.finished.signal()
        }
        thread.name = "trove-sync"
        thread.start()
    }

    /// Ends the thread and waits for it (at most one interval).
    func stop() {
        if !stopping.exchange(true, ordering: .acquiringAndReleasing) { finished.wait() }
    }
}
