import Foundation
import TroveJSON

/// Conversion between documents and JSON objects at the edges (import, export, HTTP).
public enum DocumentJSON {
    /// Why a JSON object could not become a document.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notAnObject
        case badID(String)

        public var description: String {
            switch self {
            case .notAnObject: return "a document must be a JSON object"
            case let .badID(why): return "field 'id': \(why)"
            }
        }
    }

    /// Builds a document from a JSON object. The member `id` (a string or an integer)
    /// becomes the id; when it is absent, `makeID` supplies one. Strings, integers,
    /// doubles, booleans and null map to fields of those types; arrays and objects are
    /// kept as JSON payloads.
    public static func document(from json: JSONValue, makeID: () -> String) throws(Failure) -> Document {
        guard case let .object(members) = json else { throw .notAnObject }
        var id: String?
        var fields: [Field] = []
        fields.reserveCapacity(members.count)
        for m in members {
            if m.key == "id" {
                switch m.value {
                case let .string(s): id = s
                case let .int(i): id = String(i)
                default: throw .badID("must be a string or an integer")
                }
                continue
            }
            fields.append(Field(m.key, fieldValue(m.value)))
        }
        let finalID = id ?? makeID()
        do { try Document.validate(id: finalID) } catch { throw .badID(error.description) }
        return Document(id: finalID, fields: fields)
    }

    static func fieldValue(_ json: JSONValue) -> FieldValue {
        switch json {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .double(d): return .double(d)
        case let .string(s): return .string(s)
        case .array, .object: return .json(json)
        }
    }

    /// The JSON object of a document: `id` first, then the fields in order. Timestamps
    /// become RFC 3339 strings, bytes base64 strings, vectors arrays of numbers.
    public static func json(from document: Document) -> JSONValue {
        var members = [JSONMember("id", .string(document.id))]
        members.reserveCapacity(document.fields.count + 1)
        for f in document.fields { members.append(JSONMember(f.name, jsonValue(f.value))) }
        return .object(members)
    }

    static func jsonValue(_ value: FieldValue) -> JSONValue {
        switch value {
        case .null: return .null
        case let .string(s): return .string(s)
        case let .int(i): return .int(i)
        case let .double(d): return .double(d)
        case let .bool(b): return .bool(b)
        case let .timestamp(t): return .string(Timestamp.rfc3339(microseconds: t))
        case let .bytes(b): return .string(Data(b).base64EncodedString())
        case let .vector(v): return .array(v.map { .double(Double($0)) })
        case let .json(j): return j
        }
    }
}
