import Foundation
import Synchronization

/// Limits password guessing before any bcrypt work is spent: per client address, a token
/// bucket of attempts; per account, a lockout after `maxFailures` failed attempts in a
/// row, for `lockoutSeconds` (a success clears the count). Both answer 429 with the wait.
final class LoginThrottle: Sendable {
    private struct Account { var failures: Int; var lockedUntil: Double }
    private let accounts = Mutex<[String: Account]>([:])
    private let addresses: RateLimiter
    let maxFailures: Int
    let lockoutSeconds: Double

    /// - Parameters:
    ///   - perAddressPerMinute: sustained attempts per client address; `perAddressBurst` at once.
    init(maxFailures: Int = 5, lockoutSeconds: Double = 900, perAddressPerMinute: Double = 10, perAddressBurst: Double = 10) {
        self.maxFailures = max(1, maxFailures)
        self.lockoutSeconds = lockoutSeconds
        addresses = RateLimiter(perSecond: perAddressPerMinute / 60, burst: perAddressBurst)
    }

    /// Seconds to wait before `username` may try again from `address`; nil: go ahead.
    /// Takes one attempt from the address's bucket.
    func admit(username: String, address: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        let locked = accounts.withLock { all -> Int? in
            guard let a = all[username], a.lockedUntil > now else { return nil }
            return max(1, Int((a.lockedUntil - now).rounded(.up)))
        }
        if let locked { return locked }
        return addresses.take(address, now: now)
    }

    /// Records the outcome of a checked password.
    func record(username: String, success: Bool, now: Double = Date().timeIntervalSince1970) {
        accounts.withLock { all in
            guard !success else { all[username] = nil; return }
            var a = all[username] ?? Account(failures: 0, lockedUntil: 0)
            if a.lockedUntil != 0, a.lockedUntil <= now { a = Account(failures: 0, lockedUntil: 0) }
            a.failures += 1
            if a.failures >= maxFailures { a.lockedUntil = now + lockoutSeconds }
            all[username] = a
            // Bounded memory: accounts whose lockout has passed are forgotten once many pile up.
            if all.count > 10_000 { all = all.filter { $0.value.lockedUntil > now } }
        }
    }
}
