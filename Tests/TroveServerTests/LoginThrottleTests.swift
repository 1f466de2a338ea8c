import Foundation
import Hummingbird
import Synchronization
import Testing
import TroveTestSupport
@testable import TroveServer

/// Password guessing is limited before bcrypt is spent, and bcrypt never stalls the
/// requests of users who are already signed in.
@Suite struct LoginThrottleTests {
    private func attempt(_ c: APIClient, _ user: String, _ password: String) async throws -> APIClient.Answer {
        try await c.call(.post, "/api/auth/login", json: #"{"username": "\#(user)", "password": "\#(password)"}"#)
    }

    @Test func anAccountLocksAfterFiveFailuresEvenForTheRightPassword() async throws {
        let h = try await ServerHarness(settings: { $0.loginAttemptsPerMinute = 100 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(Int(try await attempt(c, "admin", "wrong-password").status.code)) }
            #expect(statuses == [401, 401, 401, 401, 401])
            let locked = try await attempt(c, "ADMIN", ServerHarness.adminPassword)
            #expect(locked.status == .tooManyRequests, "usernames are case-insensitive, so is the lock: \(locked.text)")
            #expect((locked.headers[.retryAfter].flatMap(Int.init) ?? 0) > 60)
            // Another account is not affected.
            let admin = try await h.api.users.create(username: "second", password: "second-password", role: .admin)
            #expect(admin.username == "second")
            #expect(try await attempt(c, "second", "second-password").status == .ok)
        }
    }

    @Test func aSuccessClearsTheFailureCount() async throws {
        let h = try await ServerHarness(settings: { $0.loginAttemptsPerMinute = 100 })
        defer { Task { await h.stop() } }
        try await h.run { (c: APIClient) async throws in
            for _ in 0..<4 { #expect(try await attempt(c, "admin", "wrong-password").status == .unauthorized) }
            #expect(try await attempt(c, "admin", ServerHarness.adminPassword).status == .ok)
            for _ in 0..<4 { #expect(try await attempt(c, "admin", "wrong-password").status == .unauthorized) }
            #expect(try await attempt(c, "admin", ServerHarness.adminPassword).status == .ok)
        }
    }

    @Test func oneAddressGetsItsAttemptsPerMinuteAcrossUsernames() async throws {
        #expect(ServerSettings().loginAttemptsPerMinute == 10)
        // Three a minute here: the bucket refills one every 20 s, far slower than the test.
        let h = try await ServerHarness(settings: { $0.loginAttemptsPerMinute = 3 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            var statuses: [Int] = []
            let start = ContinuousClock.now
            for i in 0..<5 { statuses.append(Int(try await attempt(c, "guess\(i)", "wrong-password").status.code)) }
            // A fresh-clone CI run once took over 20 s for the five (the failed logins hash on
            // the blocking pool the other suites share), and a refilled attempt answered 401.
            let refills = Int((ContinuousClock.now - start).components.seconds / 20)
            #expect(statuses.prefix(3) == [401, 401, 401], "\(statuses)")
            #expect(statuses.filter { $0 == 401 }.count <= 3 + refills && statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses), \(refills) refills")
            if refills == 0 { #expect(statuses == [401, 401, 401, 429, 429], "\(statuses)") }
        }
    }

    /// The bucket's arithmetic, on a clock the test sets.
    @Test func attemptsRefillAtTheirRate() {
        let t = LoginThrottle(maxFailures: 5, lockoutSeconds: 900, perAddressPerMinute: 10, perAddressBurst: 10)
        for _ in 0..<10 { #expect(t.admit(username: "a", address: "1.2.3.4", now: 1000) == nil) }
        #expect(t.admit(username: "a", address: "1.2.3.4", now: 1000) == 6)
        #expect(t.admit(username: "a", address: "5.6.7.8", now: 1000) == nil, "another address has its own")
        #expect(t.admit(username: "a", address: "1.2.3.4", now: 1006) == nil, "one more after 6 s")
        for _ in 0..<5 { t.record(username: "b", success: false, now: 1000) }
        #expect(t.admit(username: "b", address: "9.9.9.9", now: 1100) == 800)
        #expect(t.admit(username: "b", address: "9.9.9.9", now: 1901) == nil, "the lockout ends")
    }

    /// bcrypt at the default cost takes a quarter second. Failed logins used to hash on
    /// the user directory's actor, which every authenticated request also needs: four at
    /// once made `GET /api/auth/me` wait about a second. Now `me` answers while they run.
    /// (Each request on its own connection: the test client sends one at a time.)
    @Test func loginsAtFullCostDoNotStallSignedInRequests() async throws {
        let h = try await ServerHarness(settings: { $0.bcryptCost = 12; $0.loginAttemptsPerMinute = 100 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let token = try await c.login("admin", ServerHarness.adminPassword)
            let port = try #require(c.client.port)
            let finished = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        let body = #"{"username": "nobody\#(i)", "password": "wrong-password"}"#
                        // The answer may wait on the process-wide blocking pool, which other
                        // suites share in CI (a fresh-clone run got no answer within 10 s);
                        // what this test checks is that `me` does not wait for it.
                        let answer = try await RawConnection(port: port).exchange("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body, within: 90)
                        #expect(answer.hasPrefix("HTTP/1.1 401"))
                        finished.add()
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
                let me = try await RawConnection(port: port).exchange("GET /api/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n")
                #expect(me.hasPrefix("HTTP/1.1 200"), "\(me.prefix(100))")
                // Four hashes on two threads take ~500 ms; `me` takes milliseconds.
                #expect(finished.value < 4, "the signed-in request waited for every login")
                try await group.waitForAll()
            }
        }
    }
}

/// A count shared by tasks.
final class Tally: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
