import Foundation
import Synchronization

/// In `interval` durability, syncs the log every interval on a thread of its own, so the
/// promise "durable within N ms" holds while no write comes and while merges run.
final class SyncTimer: @unchecked Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    init(store: Store, milliseconds: Int) {
        let thread = Thread { [weak store, self] in
            while !self.stopping.load(ordering: .acquiring) {
                // Waking at half the interval keeps every write within one interval.
                usleep(UInt32(max(500, min(milliseconds, 1000) * 500)))
                store?.syncIfDue()
            }
            self.finished.signal()
        }
        thread.name = "trove-sync"
        self.thread = thread
        thread.start()
    }

    /// Ends the thread and waits for it (at most one interval).
    func stop() {
        let wasStopping = stopping.exchange(true, ordering: .acquiringAndReleasing)
        if !wasStopping && Thread.current !== thread { finished.wait() }
    }
}
