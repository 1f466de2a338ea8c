import Foundation
import Testing

/// Runs a long, CPU-heavy test body on a thread of its own instead of Swift's cooperative
/// pool, one such body at a time. The pool has one thread per core (two on CI), and every
/// test in the process shares it: a property test that computed for minutes between
/// suspensions held a pool thread that whole time, and tests with deadlines (a server's
/// read timeout, a child process waiting on an in-process stand-in) waited behind it and
/// failed. On its own thread the body leaves the pool free; one at a time, the bodies
/// take at most one core from it (all of them at once left the pool threads a sliver of
/// the CPU each, which starved the same tests another way).
///
/// Code on default actors the body calls runs on that thread too (a task executor
/// preference, SE-0417); work those actors hand to their own threads is unchanged.
public func onOwnThread<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    await HeavyTestGate.shared.enter()
    defer { Task { await HeavyTestGate.shared.leave() } }
    let executor = ThreadExecutor()
    defer { executor.stop() }
    return try await withTaskExecutorPreference(executor) { try await body() }
}

/// Lets one heavy test body run at a time; the others wait without holding a thread.
actor HeavyTestGate {
    static let shared = HeavyTestGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }  // `busy` is handed over by `leave`
    }

    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// Whether the calling code runs on a thread of `onOwnThread` (for the trait's own tests).
public func isOnOwnThread() -> Bool { Thread.current.threadDictionary[ThreadExecutor.marker] != nil }

/// A task executor backed by one thread, which runs enqueued jobs in order until stopped.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    static let marker = "trove.test.ownThread"
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []  // guarded by `condition`
    private var stopped = false  // guarded by `condition`
    private var threadRuns = false  // guarded by `condition`

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        // A task the body started may still run after the body ends: it gets a thread again.
        let start = !threadRuns
        threadRuns = true
        condition.signal()
        condition.unlock()
        if start {
            Thread { [self] in run() }.start()
        }
    }

    /// Lets the thread end once the jobs already queued have run.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        Thread.current.threadDictionary[Self.marker] = true
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty { threadRuns = false; condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// `@Suite(.ownThread)` or `@Test(.ownThread)`: each test case of it runs `onOwnThread`.
/// For the suites that compute for seconds between suspensions (index builds, exhaustive
/// comparisons, property runs).
public struct OwnThreadTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// One thread per test case; a suite itself needs none.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? { testCase == nil ? nil : self }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await onOwnThread { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Runs each test case on a thread of its own, off the cooperative pool.
    public static var ownThread: Self { Self() }
}
