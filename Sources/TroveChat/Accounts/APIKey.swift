import Crypto
import TroveEngine
import TroveJSON
import TroveStorage

/// An API key as listed (the secret itself is shown once, at creation).
public struct APIKeyInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var prefix: String
    public var revoked: Bool
    public var createdAt: Int64

    public var json: JSONValue {
        .object([("id", .string(id)), ("object", .string("api_key")), ("name", .string(name)), ("prefix", .string(prefix)),
                 ("revoked", .bool(revoked)), ("created_at", .string(RecordClock.rfc3339(createdAt)))])
    }
}

/// A stored API key: its listing, its user, and the SHA-256 of its secret (the secret
/// itself is never stored).
struct APIKeyRecord: StoredRecord {
    enum FieldName: String {
        case name, prefix, revoked
        case userID = "user_id", secretSHA256 = "secret_sha256", createdAt = "created_at"
    }
    static let collection = "auth_keys"
    static let tenantField: FieldName? = nil
    static let schemaFields = [indexed(.userID, .keyword), indexed(.secretSHA256, .keyword), indexed(.createdAt, .timestamp)]

    var info: APIKeyInfo
    var userID: String
    var secretSHA256: String

    init(info: APIKeyInfo, userID: String, secretSHA256: String) {
        self.info = info
        self.userID = userID
        self.secretSHA256 = secretSHA256
    }

    var document: Document {
        Document(id: info.id, fields: [
            Field(FieldName.userID, .string(userID)), Field(FieldName.secretSHA256, .string(secretSHA256)),
            Field(FieldName.createdAt, .timestamp(info.createdAt)), Field(FieldName.name, .string(info.name)),
            Field(FieldName.prefix, .string(info.prefix)), Field(FieldName.revoked, .bool(info.revoked)),
        ])
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        info = APIKeyInfo(id: d.id, name: try f.optionalString(.name) ?? "", prefix: try f.string(.prefix),
                          revoked: try f.optionalBool(.revoked) ?? false, createdAt: try f.timestamp(.createdAt))
        userID = try f.string(.userID)
        secretSHA256 = try f.string(.secretSHA256)
    }

    /// The stored form of a secret: its SHA-256 in lowercase hex (a key is 200 random
    /// bits, so a fast hash is enough; bcrypt would slow every request).
    static func digest(of secret: String) -> String {
        RandomToken.sha256Hex(secret)
    }
}
