import TroveEngine
import TroveJSON
import TroveStorage

/// User accounts and their API keys, in two engine collections. The server hashes
/// passwords (bcrypt, off the cooperative pool) and issues tokens; this keeps the records
/// and their rules: usernames unique and well-formed, keys capped per user, another
/// user's key "not found". An actor: username uniqueness is a read-then-write.
public actor Accounts {
    let database: Database
    /// API keys one user may hold (revoked ones count).
    public let maxKeysPerUser: Int
    let ids = IDGenerator()
    /// Usernames being created right now: uniqueness is checked across the awaits of a
    /// create, so a second create of the same name cannot slip between them.
    private var creating: Set<String> = []

    /// The accounts of `system`'s data folder, creating their collections when needed.
    public init(system: ChatSystem, maxKeysPerUser: Int = 100) throws {
        try self.init(database: system.database, maxKeysPerUser: maxKeysPerUser)
    }

    init(database: Database, maxKeysPerUser: Int) throws {
        self.database = database
        self.maxKeysPerUser = maxKeysPerUser
        let existing = Set(database.collectionNames)
        for (name, schema) in [(UserRecord.collection, try UserRecord.schema), (APIKeyRecord.collection, try APIKeyRecord.schema)]
        where !existing.contains(name) {
            try database.createCollection(name, schema: schema)
        }
    }

    /// Checks a new account's username (3–64 of a-z 0-9 . _ -, compared in lowercase) and
    /// password (8–200 bytes) before the server spends a bcrypt hash on it; the username
    /// as it will be stored.
    public static func checkNew(username: String, password: String) throws(ChatError) -> String {
        let name = try storedName(username)
        try checkPassword(password, field: "$.password")
        return name
    }

    private static func storedName(_ username: String) throws(ChatError) -> String {
        let name = username.lowercased()
        guard (3...64).contains(name.utf8.count), name.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || [46, 95, 45].contains($0) }) else {
            throw .invalid(field: "$.username", reason: "3 to 64 of a-z, 0-9, '.', '_' and '-'")
        }
        return name
    }

    /// Creates an account whose password hashes to `passwordHash`; the username must be new.
    public func create(username: String, passwordHash: String, role: AccountRole) async throws -> UserAccount {
        let name = try Self.storedName(username)
        let taken = ChatError.conflict(field: "$.username", reason: "the username '\(name)' is taken")
        guard creating.insert(name).inserted else { throw taken }
        defer { creating.remove(name) }
        guard try await find(username: name) == nil else { throw taken }
        let account = UserAccount(id: ids.next(), username: name, role: role, disabled: false, createdAt: RecordClock.now())
        try await database.put(UserRecord(account: account, passwordHash: passwordHash).document, in: UserRecord.collection)
        return account
    }

    /// The account named `username` (any case) and its password hash, enabled or not.
    public func credentials(username: String) async throws -> (account: UserAccount, passwordHash: String)? {
        try await find(username: username.lowercased()).map { ($0.account, $0.passwordHash) }
    }

    public func get(_ id: String) async throws -> UserAccount? {
        try await database.get(id, in: UserRecord.collection).map { d throws(ChatError) in try UserRecord(document: d).account }
    }

    /// One page of accounts, oldest first, and the cursor of the next page (nil on the last).
    public func list(limit: Int = 1000, cursor: String? = nil) async throws -> (users: [UserAccount], cursor: String?) {
        var q = EngineQuery(limit: limit)
        q.sort = .field(UserRecord.FieldName.createdAt.rawValue, descending: false)
        q.searchAfter = cursor
        q.includeDocuments = true
        let page: SearchPage
        do { page = try await database.search(q, in: UserRecord.collection) } catch EngineError.badQuery(let why) {
            throw ChatError.invalid(field: "cursor", reason: why)
        }
        return (try page.hits.compactMap(\.document).map { d throws(ChatError) in try UserRecord(document: d).account }, page.cursor)
    }

    public func setDisabled(_ id: String, _ disabled: Bool) async throws -> UserAccount {
        guard try await database.update(id, in: UserRecord.collection, set: [Field(UserRecord.FieldName.disabled, .bool(disabled))]),
              let a = try await get(id) else {
            throw ChatError.notFound(kind: "user", id: id)
        }
        return a
    }

    /// Replaces the password hash and stamps `credentialsChangedAt`, which ends the
    /// account's sessions (tokens issued before it are refused). API keys stay valid:
    /// they are revoked one by one.
    public func setPasswordHash(_ id: String, _ hash: String) async throws -> UserAccount {
        guard try await database.update(id, in: UserRecord.collection, set: [
            Field(UserRecord.FieldName.passwordHash, .string(hash)),
            Field(UserRecord.FieldName.credentialsChangedAt, .timestamp(RecordClock.now())),
        ]), let a = try await get(id) else {
            throw ChatError.notFound(kind: "user", id: id)
        }
        return a
    }

    /// Checks a new password's length (8–200 bytes) before a bcrypt hash is spent on it.
    public static func checkPassword(_ password: String, field: String) throws(ChatError) {
        guard (8...200).contains(password.utf8.count) else { throw .invalid(field: field, reason: "8 to 200 bytes") }
    }

    /// Deletes the account and all its keys in one write.
    public func delete(_ id: String) async throws {
        let keys = try await keyRecords(userID: id)
        guard try await get(id) != nil else { throw ChatError.notFound(kind: "user", id: id) }
        try await database.apply([.delete(id: id, in: UserRecord.collection)] + keys.map { .delete(id: $0.info.id, in: APIKeyRecord.collection) },
                                 tenant: nil)
    }

    public var isEmpty: Bool {
        get async throws { try await database.count(EngineQuery(), in: UserRecord.collection) == 0 }
    }

    private func find(username: String) async throws -> UserRecord? {
        var q = EngineQuery(filters: [.equals(field: UserRecord.FieldName.username.rawValue, value: username)], limit: 1)
        q.includeDocuments = true
        return try await database.search(q, in: UserRecord.collection).hits.first?.document.map { d throws(ChatError) in try UserRecord(document: d) }
    }
}
