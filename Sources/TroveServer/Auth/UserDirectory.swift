import Crypto
import Foundation
import HummingbirdBcrypt
import TroveChat
import TroveEngine
import TroveJSON
import TroveStorage

/// A user account as the API shows it (never the password hash).
public struct UserAccount: Sendable, Equatable {
    public var id: String
    public var username: String
    public var role: Principal.Role
    public var disabled: Bool
    public var createdAt: Int64

    var json: JSONValue {
        .object([("id", .string(id)), ("object", .string("user")), ("username", .string(username)), ("role", .string(role.rawValue)),
                 ("disabled", .bool(disabled)), ("created_at", .string(Timestamp.rfc3339(microseconds: createdAt)))])
    }
}

/// An API key as listed (the secret itself is shown once, at creation).
public struct APIKeyInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var prefix: String
    public var revoked: Bool
    public var createdAt: Int64

    var json: JSONValue {
        .object([("id", .string(id)), ("object", .string("api_key")), ("name", .string(name)), ("prefix", .string(prefix)),
                 ("revoked", .bool(revoked)), ("created_at", .string(Timestamp.rfc3339(microseconds: createdAt)))])
    }
}

/// Users (bcrypt password hashes, roles, disabled flag) and API keys (`trv_` + 40 random
/// base32 characters, stored as their SHA-256; revocable), in two engine collections.
/// An actor: username uniqueness is a read-then-write.
public actor UserDirectory {
    static let users = "auth_users"
    static let keys = "auth_keys"
    let database: Database
    let bcryptCost: UInt8
    /// Where bcrypt runs (a quarter second at cost 12): never on the cooperative pool, and
    /// never inside this actor's turn, which every authenticated request needs.
    let hashing: BlockingPool
    /// API keys one user may hold.
    let maxKeysPerUser: Int
    private let ids = IDGenerator()
    /// Usernames being created right now: uniqueness is checked across the awaits of
    /// a create, so a second create of the same name cannot slip between them.
    private var creating: Set<String> = []

    public init(database: Database, bcryptCost: UInt8 = 12, hashing: BlockingPool = BlockingPool(threads: 2, queueLimit: 32), maxKeysPerUser: Int = 100) throws {
        self.database = database
        self.bcryptCost = bcryptCost
        self.hashing = hashing
        self.maxKeysPerUser = maxKeysPerUser
        let existing = Set(database.collectionNames)
        if !existing.contains(Self.users) {
            try database.createCollection(Self.users, schema: CollectionSchema(fields: [
                .init("username", .keyword), .init("role", .keyword), .init("created_at", .timestamp),
            ]))
        }
        if !existing.contains(Self.keys) {
            try database.createCollection(Self.keys, schema: CollectionSchema(fields: [
                .init("user_id", .keyword), .init("secret_sha256", .keyword), .init("created_at", .timestamp),
            ]))
        }
    }

    // MARK: Users

    /// Creates a user; the username must be new (3–64 of a-z 0-9 . _ -) and the password 8–200 bytes.
    public func create(username: String, password: String, role: Principal.Role) async throws -> UserAccount {
        let name = username.lowercased()
        guard (3...64).contains(name.utf8.count), name.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || [46, 95, 45].contains($0) }) else {
            throw APIError.badRequest("$.username: 3 to 64 of a-z, 0-9, '.', '_' and '-'", field: "$.username")
        }
        guard (8...200).contains(password.utf8.count) else { throw APIError.badRequest("$.password: 8 to 200 bytes", field: "$.password") }
        let taken = APIError(status: .conflict, type: "invalid_request_error", message: "the username '\(name)' is taken", code: "$.username")
        guard creating.insert(name).inserted else { throw taken }
        defer { creating.remove(name) }
        guard try await find(username: name) == nil else { throw taken }
        let account = UserAccount(id: ids.next(), username: name, role: role, disabled: false, createdAt: Int64(Date().timeIntervalSince1970 * 1e6))
        let cost = bcryptCost
        let hash = try await hashing.run { Bcrypt.hash(password, cost: cost) }
        try await database.put(Document(id: account.id, fields: [
            Field("username", .string(name)), Field("role", .string(role.rawValue)), Field("created_at", .timestamp(account.createdAt)),
            Field("password_hash", .string(hash)), Field("disabled", .bool(false)),
        ]), in: Self.users)
        return account
    }

    /// The account whose password matches, if enabled; nil otherwise (no hint which part failed).
    public func authenticate(username: String, password: String) async throws -> UserAccount? {
        guard let doc = try await find(username: username.lowercased()), case let .string(hash)? = doc["password_hash"] else {
            // Spend the same time as a real check, so timing does not tell which usernames exist.
            _ = try await hashing.run { Bcrypt.verify(password, hash: Self.decoyHash) }
            return nil
        }
        guard try await hashing.run({ Bcrypt.verify(password, hash: hash) }) else { return nil }
        let account = Self.account(doc)
        return account.disabled ? nil : account
    }

    public func get(_ id: String) async throws -> UserAccount? {
        try await database.get(id, in: Self.users).map(Self.account)
    }

    /// One page of users, oldest first, and the cursor of the next page (nil on the last).
    public func list(limit: Int = 1000, cursor: String? = nil) async throws -> (users: [UserAccount], cursor: String?) {
        var q = EngineQuery(limit: limit)
        q.sort = .field("created_at", descending: false)
        q.searchAfter = cursor
        q.includeDocuments = true
        let page: SearchPage
        do { page = try await database.search(q, in: Self.users) } catch EngineError.badQuery(let why) {
            throw APIError.badRequest("cursor: \(why)", field: "cursor")
        }
        return (page.hits.compactMap(\.document).map(Self.account), page.cursor)
    }

    public func setDisabled(_ id: String, _ disabled: Bool) async throws -> UserAccount {
        guard try await database.update(id, in: Self.users, set: [Field("disabled", .bool(disabled))]), let a = try await get(id) else {
            throw APIError.notFound("no user '\(id)'")
        }
        return a
    }

    public func delete(_ id: String) async throws {
        let keys = try await keyDocuments(userID: id)
        guard try await get(id) != nil else { throw APIError.notFound("no user '\(id)'") }
        try await database.apply([.delete(id: id, in: Self.users)] + keys.map { .delete(id: $0.id, in: Self.keys) }, tenant: nil)
    }

    public var isEmpty: Bool {
        get async throws { try await database.count(EngineQuery(), in: Self.users) == 0 }
    }

    private func find(username: String) async throws -> Document? {
        var q = EngineQuery(filters: [.equals(field: "username", value: username)], limit: 1)
        q.includeDocuments = true
        return try await database.search(q, in: Self.users).hits.first?.document
    }

    static func account(_ d: Document) -> UserAccount {
        var role = Principal.Role.user
        var name = "", disabled = false, created: Int64 = 0
        if case let .string(r)? = d["role"], let parsed = Principal.Role(rawValue: r) { role = parsed }
        if case let .string(n)? = d["username"] { name = n }
        if case let .bool(b)? = d["disabled"] { disabled = b }
        if case let .timestamp(t)? = d["created_at"] { created = t }
        return UserAccount(id: d.id, username: name, role: role, disabled: disabled, createdAt: created)
    }

    /// A valid bcrypt hash of a random password, for checks against unknown usernames.
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: 12)

    // MARK: API keys

    /// A new key for the user: the secret (shown once) and its listing.
    public func createKey(userID: String, name: String) async throws -> (secret: String, info: APIKeyInfo) {
        guard name.utf8.count <= 200 else { throw APIError.badRequest("$.name: at most 200 bytes", field: "$.name") }
        // Counted in this turn and written without a suspension between, so parallel
        // creates cannot pass the cap together.
        guard try keyCount(userID: userID) < maxKeysPerUser else {
            throw APIError.limit("a user holds at most \(maxKeysPerUser) API keys (revoked ones count); delete the user's old keys or ask an admin")
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var rng = SystemRandomNumberGenerator()
        let secret = "trv_" + String((0..<40).map { _ in alphabet[Int.random(in: 0..<32, using: &rng)] })
        let info = APIKeyInfo(id: ids.next(), name: name, prefix: String(secret.prefix(8)), revoked: false,
                              createdAt: Int64(Date().timeIntervalSince1970 * 1e6))
        try database.applySynchronously([.put(Document(id: info.id, fields: [
            Field("user_id", .string(userID)), Field("secret_sha256", .string(BlobStore.sha256Hex(Array(secret.utf8)))),
            Field("created_at", .timestamp(info.createdAt)), Field("name", .string(name)), Field("prefix", .string(info.prefix)),
            Field("revoked", .bool(false)),
        ]), in: Self.keys)], tenant: nil)
        return (secret, info)
    }

    /// The user and key id a secret belongs to, if the key is live and the user enabled.
    public func resolveKey(_ secret: String) async throws -> (UserAccount, keyID: String)? {
        guard secret.hasPrefix("trv_"), secret.utf8.count == 44 else { return nil }
        var q = EngineQuery(filters: [.equals(field: "secret_sha256", value: BlobStore.sha256Hex(Array(secret.utf8)))], limit: 1)
        q.includeDocuments = true
        guard let d = try await database.search(q, in: Self.keys).hits.first?.document, d["revoked"] != .bool(true),
              case let .string(userID)? = d["user_id"], let user = try await get(userID), !user.disabled else { return nil }
        return (user, d.id)
    }

    public func listKeys(userID: String) async throws -> [APIKeyInfo] {
        try await keyDocuments(userID: userID).map { d in
            var name = "", prefix = "", revoked = false, created: Int64 = 0
            if case let .string(s)? = d["name"] { name = s }
            if case let .string(s)? = d["prefix"] { prefix = s }
            if case let .bool(b)? = d["revoked"] { revoked = b }
            if case let .timestamp(t)? = d["created_at"] { created = t }
            return APIKeyInfo(id: d.id, name: name, prefix: prefix, revoked: revoked, createdAt: created)
        }
    }

    /// Revokes one of the user's keys; another user's key is "not found".
    public func revokeKey(userID: String, keyID: String) async throws {
        guard let d = try await database.get(keyID, in: Self.keys), d["user_id"] == .string(userID) else { throw APIError.notFound("no API key '\(keyID)'") }
        _ = try await database.update(keyID, in: Self.keys, set: [Field("revoked", .bool(true))])
    }

    /// The user's keys, counted without a suspension (see `createKey`).
    private func keyCount(userID: String) throws -> Int {
        var count = 0
        try database.unscopedForEach(in: Self.keys) { d in
            if d["user_id"] == .string(userID) { count += 1 }
            return true
        }
        return count
    }

    /// Every key of the user, oldest first, read page by page (a user may hold more keys
    /// than one search page: `--max-keys` has no ceiling).
    private func keyDocuments(userID: String) async throws -> [Document] {
        var q = EngineQuery(filters: [.equals(field: "user_id", value: userID)], limit: 1000)
        q.sort = .field("created_at", descending: false)
        q.includeDocuments = true
        var out: [Document] = []
        while true {
            let page = try await database.search(q, in: Self.keys)
            out += page.hits.compactMap(\.document)
            guard let next = page.cursor else { return out }
            q.searchAfter = next
        }
    }
}
