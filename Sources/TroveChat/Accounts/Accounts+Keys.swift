import TroveEngine
import TroveStorage

/// API keys: `trv_` + 40 random base32 characters, stored as their SHA-256, revocable,
/// at most `maxKeysPerUser` per user.
extension Accounts {
    /// A new key for the user: the secret (shown once) and its listing.
    public func createKey(userID: String, name: String) throws -> (secret: String, info: APIKeyInfo) {
        guard name.utf8.count <= 200 else { throw ChatError.invalid(field: "$.name", reason: "at most 200 bytes") }
        // Counted in this turn and written without a suspension between, so parallel
        // creates cannot pass the cap together.
        guard try keyCount(userID: userID) < maxKeysPerUser else {
            throw ChatError.limitExceeded("a user holds at most \(maxKeysPerUser) API keys (revoked ones count); delete the user's old keys or ask an admin")
        }
        let secret = RandomToken.make(prefix: "trv_")
        let info = APIKeyInfo(id: ids.next(), name: name, prefix: String(secret.prefix(8)), revoked: false, createdAt: RecordClock.now())
        let record = APIKeyRecord(info: info, userID: userID, secretSHA256: APIKeyRecord.digest(of: secret))
        try database.applySynchronously([.put(record.document, in: APIKeyRecord.collection)], tenant: nil)
        return (secret, info)
    }

    /// The account and key id a secret belongs to, if the key is live and the account enabled.
    public func resolveKey(_ secret: String) async throws -> (UserAccount, keyID: String)? {
        guard secret.hasPrefix("trv_"), secret.utf8.count == 44 else { return nil }
        var q = EngineQuery(filters: [.equals(field: APIKeyRecord.FieldName.secretSHA256.rawValue, value: APIKeyRecord.digest(of: secret))], limit: 1)
        q.includeDocuments = true
        guard let d = try await database.search(q, in: APIKeyRecord.collection).hits.first?.document else { return nil }
        let key = try APIKeyRecord(document: d)
        guard !key.info.revoked, let user = try await get(key.userID), !user.disabled else { return nil }
        return (user, key.info.id)
    }

    public func listKeys(userID: String) async throws -> [APIKeyInfo] {
        try await keyRecords(userID: userID).map(\.info)
    }

    /// Revokes one of the user's keys; another user's key is "not found".
    public func revokeKey(userID: String, keyID: String) async throws {
        guard let d = try await database.get(keyID, in: APIKeyRecord.collection), try APIKeyRecord(document: d).userID == userID else {
            throw ChatError.notFound(kind: "API key", id: keyID)
        }
        _ = try await database.update(keyID, in: APIKeyRecord.collection, set: [Field(APIKeyRecord.FieldName.revoked, .bool(true))])
    }

    /// The user's keys, counted without a suspension (see `createKey`).
    private func keyCount(userID: String) throws -> Int {
        var count = 0
        try database.unscopedForEach(in: APIKeyRecord.collection) { d in
            if d[APIKeyRecord.FieldName.userID.rawValue] == .string(userID) { count += 1 }
            return true
        }
        return count
    }

    /// Every key of the user, oldest first, read page by page (a user may hold more keys
    /// than one search page: the cap has no ceiling).
    func keyRecords(userID: String) async throws -> [APIKeyRecord] {
        var q = EngineQuery(filters: [.equals(field: APIKeyRecord.FieldName.userID.rawValue, value: userID)], limit: 1000)
        q.sort = .field(APIKeyRecord.FieldName.createdAt.rawValue, descending: false)
        q.includeDocuments = true
        var out: [APIKeyRecord] = []
        while true {
            let page = try await database.search(q, in: APIKeyRecord.collection)
            for d in page.hits.compactMap(\.document) { out.append(try APIKeyRecord(document: d)) }
            guard let next = page.cursor else { return out }
            q.searchAfter = next
        }
    }
}
