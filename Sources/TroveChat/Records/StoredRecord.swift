import TroveEngine
import TroveJSON
import TroveStorage

/// A record the services keep as one engine document: the collection it lives in, the
/// schema fields the engine indexes, the field that scopes it to its owner, and the
/// mapping to and from a document. Field names are the cases of `FieldName`, so a name
/// is spelled once.
///
/// Decoding throws `ChatError.corruptRecord` for a required field that is missing or any
/// field of the wrong type: corrupt data is reported, never shown as an empty message.
/// Fields added after the first release are optional with the default they had then.
protocol StoredRecord: Sendable {
    associatedtype FieldName: RawRepresentable where FieldName.RawValue == String
    static var collection: String { get }
    /// The fields the engine indexes (the rest of the document is stored only).
    static var schemaFields: [CollectionSchema.Field] { get }
    /// The field every read and write is scoped by; nil: not owner-scoped.
    static var tenantField: FieldName? { get }
    var document: Document { get }
    init(document: Document) throws(ChatError)
}

extension StoredRecord {
    static var schema: CollectionSchema {
        get throws { try CollectionSchema(fields: schemaFields, tenantField: tenantField?.rawValue) }
    }

    /// A schema field named by the record's name.
    static func indexed(_ name: FieldName, _ type: CollectionSchema.FieldType) -> CollectionSchema.Field { .init(name.rawValue, type) }

    /// A reader of `document`'s fields that names this collection in its errors.
    static func fields(of document: Document) -> RecordFields<FieldName> { RecordFields(document: document, collection: collection) }
}

extension Field {
    /// A field named by a record's field name.
    init<Name: RawRepresentable>(_ name: Name, _ value: FieldValue) where Name.RawValue == String {
        self.init(name.rawValue, value)
    }
}

/// Typed reads of a stored record's fields: `required` ones throw when missing, every one
/// throws when present with another type.
struct RecordFields<Name: RawRepresentable> where Name.RawValue == String {
    let document: Document
    let collection: String

    var id: String { document.id }

    func corrupt(_ name: Name, _ reason: String) -> ChatError {
        .corruptRecord(collection: collection, id: document.id, field: name.rawValue, reason: reason)
    }

    private func read<T>(_ name: Name, _ what: String, _ cast: (FieldValue) -> T?) throws(ChatError) -> T? {
        guard let value = document[name.rawValue], value != .null else { return nil }
        guard let v = cast(value) else { throw corrupt(name, "expected \(what)") }
        return v
    }

    private func require<T>(_ value: T?, _ name: Name) throws(ChatError) -> T {
        guard let value else { throw corrupt(name, "missing") }
        return value
    }

    func optionalString(_ name: Name) throws(ChatError) -> String? {
        try read(name, "a string") { if case let .string(s) = $0 { return s }; return nil }
    }
    func string(_ name: Name) throws(ChatError) -> String { try require(optionalString(name), name) }

    func optionalInt(_ name: Name) throws(ChatError) -> Int? {
        try read(name, "an integer") { if case let .int(i) = $0 { return Int(exactly: i) }; return nil }
    }
    func int(_ name: Name) throws(ChatError) -> Int { try require(optionalInt(name), name) }

    func optionalDouble(_ name: Name) throws(ChatError) -> Double? {
        try read(name, "a number") { v in
            switch v {
            case let .double(d): return d
            case let .int(i): return Double(i)
            default: return nil
            }
        }
    }

    func optionalBool(_ name: Name) throws(ChatError) -> Bool? {
        try read(name, "true or false") { if case let .bool(b) = $0 { return b }; return nil }
    }

    /// Microseconds since 1970 (older records may hold them as a plain integer).
    func timestamp(_ name: Name) throws(ChatError) -> Int64 { try require(optionalTimestamp(name), name) }

    func optionalTimestamp(_ name: Name) throws(ChatError) -> Int64? {
        try read(name, "a timestamp") { v in
            switch v {
            case let .timestamp(t), let .int(t): return t
            default: return nil
            }
        }
    }

    func optionalBytes(_ name: Name) throws(ChatError) -> [UInt8]? {
        try read(name, "bytes") { if case let .bytes(b) = $0 { return b }; return nil }
    }

    func optionalJSON(_ name: Name) throws(ChatError) -> JSONValue? {
        try read(name, "JSON") { if case let .json(j) = $0 { return j }; return nil }
    }

    /// A JSON array of strings (absent: empty).
    func strings(_ name: Name) throws(ChatError) -> [String] {
        guard let j = try optionalJSON(name) else { return [] }
        guard let items = j.arrayValue else { throw corrupt(name, "expected an array") }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw corrupt(name, "expected strings") }
            out.append(s)
        }
        return out
    }

    /// A string naming a case of `E`.
    func enumValue<E: RawRepresentable>(_ name: Name, _: E.Type) throws(ChatError) -> E? where E.RawValue == String {
        guard let raw = try optionalString(name) else { return nil }
        guard let v = E(rawValue: raw) else { throw corrupt(name, "unknown value '\(raw)'") }
        return v
    }
}
