import Synchronization
import Foundation
import TroveStorage

/// Typed reads of stored record fields.
extension Document {
    func string(_ name: String) -> String? { if case let .string(s)? = self[name] { return s }; return nil }
    func int(_ name: String) -> Int? {
        switch self[name] {
        case let .int(v)?: return Int(v)
        case let .double(d)?: return Int(d)
        default: return nil
        }
    }
    func double(_ name: String) -> Double? {
        switch self[name] {
        case let .double(d)?: return d
        case let .int(v)?: return Double(v)
        default: return nil
        }
    }
    func bool(_ name: String) -> Bool? { if case let .bool(b)? = self[name] { return b }; return nil }
    func timestamp(_ name: String) -> Int64 {
        switch self[name] {
        case let .timestamp(t)?, let .int(t)?: return t
        default: return 0
        }
    }
    func json(_ name: String) -> JSONValue? { if case let .json(j)? = self[name] { return j }; return nil }
}

/// Time in the records: microseconds since 1970, strictly increasing within the process
/// so that two records written in the same microsecond keep their order.
enum RecordClock {
    private static let last = LastStamp()

    static func now() -> Int64 { last.next(Int64(Date().timeIntervalSince1970 * 1_000_000)) }

    static func rfc3339(_ micros: Int64) -> String { Timestamp.rfc3339(microseconds: micros) }
}


private final class LastStamp: Sendable {
    private let value = Mutex<Int64>(0)

    func next(_ wall: Int64) -> Int64 {
        value.withLock { last in
            last = max(last + 1, wall)
            return last
        }
    }
}

/// Reads of a JSON input object that report the field's path on a type error.
struct JSONInput {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "$") throws(ChatError) {
        guard case .object = value else { throw ChatError.invalid(field: path, reason: "expected an object") }
        self.value = value
        self.path = path
    }

    func has(_ key: String) -> Bool { value[key] != nil }

    func string(_ key: String, maxLength: Int = 100_000) throws(ChatError) -> String? {
        switch value[key] {
        case nil, .null?: return nil
        case let .string(s)?:
            guard s.utf8.count <= maxLength else { throw ChatError.invalid(field: "\(path).\(key)", reason: "longer than \(maxLength) bytes") }
            return s
        default: throw ChatError.invalid(field: "\(path).\(key)", reason: "expected a string")
        }
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ChatError) -> Int? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?:
            guard let i = v.intValue else { throw ChatError.invalid(field: "\(path).\(key)", reason: "expected an integer") }
            guard range.contains(i) else { throw ChatError.invalid(field: "\(path).\(key)", reason: "must be in \(range.lowerBound)...\(range.upperBound)") }
            return i
        }
    }

    func double(_ key: String, in range: ClosedRange<Double>) throws(ChatError) -> Double? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?:
            guard let d = v.doubleValue else { throw ChatError.invalid(field: "\(path).\(key)", reason: "expected a number") }
            guard range.contains(d) else { throw ChatError.invalid(field: "\(path).\(key)", reason: "must be in \(range.lowerBound)...\(range.upperBound)") }
            return d
        }
    }

    func bool(_ key: String) throws(ChatError) -> Bool? {
        switch value[key] {
        case nil, .null?: return nil
        case let .bool(b)?: return b
        default: throw ChatError.invalid(field: "\(path).\(key)", reason: "expected true or false")
        }
    }

    func strings(_ key: String) throws(ChatError) -> [String]? {
        switch value[key] {
        case nil, .null?: return nil
        case let .array(items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case let .string(s) = item else { throw ChatError.invalid(field: "\(path).\(key)[\(i)]", reason: "expected a string") }
                out.append(s)
            }
            return out
        default: throw ChatError.invalid(field: "\(path).\(key)", reason: "expected an array of strings")
        }
    }

    func object(_ key: String) throws(ChatError) -> JSONInput? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?: return try JSONInput(v, path: "\(path).\(key)")
        }
    }

    /// Refuses keys other than `known`, so that a misspelt field is reported, not ignored.
    func only(_ known: Set<String>) throws(ChatError) {
        for member in value.objectValue ?? [] where !known.contains(member.key) {
            throw ChatError.invalid(field: "\(path).\(member.key)", reason: "unknown field")
        }
    }
}
