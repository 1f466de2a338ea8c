import TroveEngine
import TroveJSON
import TroveStorage

/// What an account may do: an admin also manages users.
public enum AccountRole: String, Sendable { case admin, user }

/// A user account as the API shows it (never the password hash).
public struct UserAccount: Sendable, Equatable {
    public var id: String
    public var username: String
    public var role: AccountRole
    public var disabled: Bool
    public var createdAt: Int64
    /// When the password last changed (microseconds since 1970): access tokens issued
    /// before it are refused, so a changed or reset password ends every session.
    public var credentialsChangedAt: Int64? = nil

    public var json: JSONValue {
        .object([("id", .string(id)), ("object", .string("user")), ("username", .string(username)), ("role", .string(role.rawValue)),
                 ("disabled", .bool(disabled)), ("created_at", .string(RecordClock.rfc3339(createdAt)))])
    }
}

/// A stored user: the account and its password hash (bcrypt, made by the server).
struct UserRecord: StoredRecord {
    enum FieldName: String {
        case username, role, disabled
        case createdAt = "created_at", passwordHash = "password_hash", credentialsChangedAt = "credentials_changed_at"
    }
    static let collection = "auth_users"
    static let tenantField: FieldName? = nil
    static let schemaFields = [indexed(.username, .keyword), indexed(.role, .keyword), indexed(.createdAt, .timestamp)]

    var account: UserAccount
    var passwordHash: String

    init(account: UserAccount, passwordHash: String) {
        self.account = account
        self.passwordHash = passwordHash
    }

    var document: Document {
        Document(id: account.id, fields: [
            Field(FieldName.username, .string(account.username)), Field(FieldName.role, .string(account.role.rawValue)),
            Field(FieldName.createdAt, .timestamp(account.createdAt)), Field(FieldName.passwordHash, .string(passwordHash)),
            Field(FieldName.disabled, .bool(account.disabled)),
        ] + (account.credentialsChangedAt.map { [Field(FieldName.credentialsChangedAt, .timestamp($0))] } ?? []))
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        guard let role = try f.enumValue(.role, AccountRole.self) else { throw f.corrupt(.role, "missing") }
        account = UserAccount(id: d.id, username: try f.string(.username), role: role, disabled: try f.optionalBool(.disabled) ?? false,
                              createdAt: try f.timestamp(.createdAt),
                              credentialsChangedAt: try f.optionalTimestamp(.credentialsChangedAt))
        passwordHash = try f.string(.passwordHash)
    }
}
