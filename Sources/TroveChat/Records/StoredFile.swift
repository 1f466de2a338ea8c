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
public struct StoredFile: Sendable, Equatable {
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
        var fields: [Field] = [
            Field("owner", .string(owner)), Field("name", .string(name)), Field("sha256", .string(sha256)),
            Field("content_type", .string(contentType.rawValue)), Field("collection", .string(collection)),
            Field("status", .string(status.rawValue)), Field("size", .int(Int64(size))), Field("created_at", .timestamp(createdAt)),
            Field("chunks", .int(Int64(chunks))),
        ]
        if let error { fields.append(Field("error", .string(error))) }
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

    init(document d: Document) {
        id = d.id
        owner = d.string("owner") ?? ""
        name = d.string("name") ?? ""
        sha256 = d.string("sha256") ?? ""
        contentType = ContentType(rawValue: d.string("content_type") ?? "") ?? .txt
        size = d.int("size") ?? 0
        collection = d.string("collection") ?? KnowledgeCollection.defaultName
        status = Status(rawValue: d.string("status") ?? "") ?? .stored
        chunks = d.int("chunks") ?? 0
        error = d.string("error")
        createdAt = d.timestamp("created_at")
    }
}
