import TroveEngine
import TroveJSON
import TroveStorage

/// An owner's knowledge collection: a name that groups ingested files' chunks. `files`
/// is where uploads go unless another is named.
public enum KnowledgeCollection {
    public static let defaultName = "files"
    static let nameRule = "a collection name is 1 to 64 of a-z, 0-9, '_' and '-'"

    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 || $0 == 45 }
    }
}

/// An uploaded file's metadata; its bytes are the blob named `sha256`.
public struct StoredFile: Sendable, Equatable, StoredRecord {
    enum FieldName: String {
        case owner, name, sha256, collection, status, size, chunks, error
        case contentType = "content_type", createdAt = "created_at"
    }
    static let collection = "chat_files"
    static let tenantField: FieldName? = .owner
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.name, .text(analyzer: .standard, phrases: false)), indexed(.sha256, .keyword),
        indexed(.contentType, .keyword), indexed(.collection, .keyword), indexed(.status, .keyword),
        indexed(.size, .int), indexed(.createdAt, .timestamp),
    ]

    public enum Status: String, Sendable {
        /// Stored, not (yet) indexed.
        case stored
        /// Text extracted, chunked, embedded and indexed.
        case indexed
        /// Extraction or indexing failed: `error` says why. The bytes are kept.
        case failed
    }

    public var id: String
    public var owner: String
    public var name: String
    public var sha256: String
    public var contentType: ContentType
    public var size: Int
    public var collection: String
    public var status: Status
    public var chunks: Int
    public var error: String?
    public var createdAt: Int64

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("file")), ("name", .string(name)), ("sha256", .string(sha256)),
            ("content_type", .string(contentType.mediaType)), ("type", .string(contentType.rawValue)),
            ("size", .int(Int64(size))), ("collection", .string(collection)), ("status", .string(status.rawValue)),
            ("chunks", .int(Int64(chunks))), ("error", error.map(JSONValue.string) ?? .null),
            ("created_at", .string(RecordClock.rfc3339(createdAt))),
        ])
    }

    var document: Document {
        typealias N = FieldName
        var fields: [Field] = [
            Field(N.owner, .string(owner)), Field(N.name, .string(name)), Field(N.sha256, .string(sha256)),
            Field(N.contentType, .string(contentType.rawValue)), Field(N.collection, .string(collection)),
            Field(N.status, .string(status.rawValue)), Field(N.size, .int(Int64(size))), Field(N.createdAt, .timestamp(createdAt)),
            Field(N.chunks, .int(Int64(chunks))),
        ]
        if let error { fields.append(Field(N.error, .string(error))) }
        return Document(id: id, fields: fields)
    }

    init(id: String, owner: String, name: String, sha256: String, contentType: ContentType, size: Int, collection: String, createdAt: Int64) {
        self.id = id
        self.owner = owner
        self.name = name
        self.sha256 = sha256
        self.contentType = contentType
        self.size = size
        self.collection = collection
        status = .stored
        chunks = 0
        self.createdAt = createdAt
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        id = d.id
        owner = try f.string(.owner)
        name = try f.string(.name)
        sha256 = try f.string(.sha256)
        guard let type = try f.enumValue(.contentType, ContentType.self) else { throw f.corrupt(.contentType, "missing") }
        contentType = type
        size = try f.int(.size)
        collection = try f.optionalString(.collection) ?? KnowledgeCollection.defaultName
        status = try f.enumValue(.status, Status.self) ?? .stored
        chunks = try f.optionalInt(.chunks) ?? 0
        error = try f.optionalString(.error)
        createdAt = try f.timestamp(.createdAt)
    }
}
