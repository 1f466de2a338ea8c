import TroveJSON

/// The value of one document field. The type tag of each case is part of the on-disk
/// format (docs/FORMAT.md, "Document encoding").
public enum FieldValue: Sendable, Equatable {
    case null
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp(Int64)
    case bytes([UInt8])
    /// A float32 vector (embeddings).
    case vector([Float])
    /// A nested JSON payload, kept as a tree.
    case json(JSONValue)

    /// The on-disk type tag.
    var tag: UInt8 {
        switch self {
        case .null: 0
        case .string: 1
        case .int: 2
        case .double: 3
        case .bool: 4
        case .timestamp: 5
        case .bytes: 6
        case .vector: 7
        case .json: 8
        }
    }
}

/// A named field of a document.
public struct Field: Sendable, Equatable {
    public var name: String
    public var value: FieldValue

    public init(_ name: String, _ value: FieldValue) {
        self.name = name
        self.value = value
    }
}

/// A stored document: an id unique within its collection and fields in a fixed order.
public struct Document: Sendable, Equatable {
    /// Longest id accepted, in UTF-8 bytes.
    public static let maxIDBytes = 512

    public var id: String
    public var fields: [Field]

    public init(id: String, fields: [Field] = []) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> FieldValue? {
        get { fields.first { $0.name == name }?.value }
        set {
            if let i = fields.firstIndex(where: { $0.name == name }) {
                if let newValue { fields[i].value = newValue } else { fields.remove(at: i) }
            } else if let newValue {
                fields.append(Field(name, newValue))
            }
        }
    }

    /// Checks the id, so that a bad one is refused before anything is written.
    public static func validate(id: String) throws(StorageError) {
        let n = id.utf8.count
        if n == 0 { throw .invalidArgument("document id is empty") }
        if n > maxIDBytes { throw .invalidArgument("document id is \(n) bytes; the limit is \(maxIDBytes)") }
    }
}
