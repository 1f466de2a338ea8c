import Foundation
import Testing
import TroveTestSupport

/// `.ownThread` moves a test off the cooperative pool, actors it calls included; without
/// it a test runs on the pool as before.
@Suite(.ownThread) struct OwnThreadTests {
    actor Probe {
        func runsOnOwnThread() -> Bool { isOnOwnThread() }
    }

    @Test func aSynchronousTestRunsOnItsOwnThread() {
        #expect(isOnOwnThread())
    }

    @Test(arguments: [1, 2]) func eachCaseRunsOnItsOwnThreadAcrossSuspensions(_ n: Int) async throws {
        try await Task.sleep(for: .milliseconds(10 * n))
        #expect(isOnOwnThread())
        #expect(await Probe().runsOnOwnThread(), "a default actor runs on the preferred executor")
    }
}

@Suite struct PoolThreadTests {
    @Test func withoutTheTraitATestRunsOnThePool() async {
        #expect(!isOnOwnThread())
    }
}

