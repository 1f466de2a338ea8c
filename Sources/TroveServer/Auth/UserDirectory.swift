import Foundation
import HummingbirdBcrypt
import TroveChat

/// The server's side of accounts: passwords hashed and checked with bcrypt, on a pool of
/// their own, over the account records TroveChat keeps (`Accounts`).
public struct UserDirectory: Sendable {
    public let accounts: Accounts
    let bcryptCost: UInt8
    /// Where bcrypt runs (a quarter second at cost 12): never on the cooperative pool, and
    /// never inside the accounts actor's turn, which every authenticated request needs.
    let hashing: BlockingPool

    public init(accounts: Accounts, bcryptCost: UInt8 = 12, hashing: BlockingPool = BlockingPool(threads: 2, queueLimit: 32)) {
        self.accounts = accounts
        self.bcryptCost = bcryptCost
        self.hashing = hashing
    }

    /// Creates a user; the username must be new (3–64 of a-z 0-9 . _ -) and the password 8–200 bytes.
    public func create(username: String, password: String, role: AccountRole) async throws -> UserAccount {
        let name = try Accounts.checkNew(username: username, password: password)
        let cost = bcryptCost
        let hash = try await hashing.run { Bcrypt.hash(password, cost: cost) }
        return try await accounts.create(username: name, passwordHash: hash, role: role)
    }

    /// The account whose password matches, if enabled; nil otherwise (no hint which part failed).
    public func authenticate(username: String, password: String) async throws -> UserAccount? {
        guard let (account, hash) = try await accounts.credentials(username: username) else {
            // Spend the same time as a real check, so timing does not tell which usernames exist.
            _ = try await hashing.run { Bcrypt.verify(password, hash: Self.decoyHash) }
            return nil
        }
        guard try await hashing.run({ Bcrypt.verify(password, hash: hash) }) else { return nil }
        return account.disabled ? nil : account
    }

    /// Changes the caller's own password after checking the current one; nil when the
    /// current password is wrong. Ends the account's other sessions.
    public func changePassword(userID: String, current: String, new: String) async throws -> UserAccount? {
        try Accounts.checkPassword(new, field: "$.new_password")
        guard let account = try await accounts.get(userID),
              let (_, hash) = try await accounts.credentials(username: account.username) else { return nil }
        guard try await hashing.run({ Bcrypt.verify(current, hash: hash) }) else { return nil }
        return try await setPassword(userID: userID, new)
    }

    /// Sets a user's password without the old one (an admin's reset). Ends their sessions.
    public func setPassword(userID: String, _ password: String, field: String = "$.password") async throws -> UserAccount {
        try Accounts.checkPassword(password, field: field)
        let cost = bcryptCost
        let hash = try await hashing.run { Bcrypt.hash(password, cost: cost) }
        return try await accounts.setPasswordHash(userID, hash)
    }

    /// A valid bcrypt hash of a random password, for checks against unknown usernames.
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: 12)
}

extension Principal {
    /// An account's role (declared beside the accounts, in TroveChat).
    public typealias Role = AccountRole
}
