/// Why a JSON input was refused: the `$.path` of the offending value and the reason, so
/// that a request with a wrongly typed or misspelt field names it instead of the field
/// being ignored.
public struct JSONInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A strict reader of one JSON object: each accessor returns nil for a missing or null
/// member and throws, naming the member's path, for a value of the wrong type or out of
/// range. `only(_:)` refuses members the caller does not know.
public struct JSONInput: Sendable {
    public let value: JSONValue
    /// Where this object sits in the whole input: `$` for the root, `$.a.b` below it.
    public let path: String

    public init(_ value: JSONValue, path: String = "$") throws(JSONInputError) {
        guard case .object = value else { throw JSONInputError(path: path, reason: "expected an object") }
        self.value = value
        self.path = path
    }

    public func has(_ key: String) -> Bool { value[key] != nil }

    /// The path of a member, for errors the caller raises about it.
    public func path(of key: String) -> String { "\(path).\(key)" }

    private func fail(_ key: String, _ reason: String) -> JSONInputError { JSONInputError(path: path(of: key), reason: reason) }

    public func string(_ key: String, maxLength: Int = .max) throws(JSONInputError) -> String? {
        switch value[key] {
        case nil, .null?: return nil
        case let .string(s)?:
            guard s.utf8.count <= maxLength else { throw fail(key, "longer than \(maxLength) bytes") }
            return s
        default: throw fail(key, "expected a string")
        }
    }

    /// A string that must be there (not missing, not null).
    public func requiredString(_ key: String, maxLength: Int = .max) throws(JSONInputError) -> String {
        guard let s = try string(key, maxLength: maxLength) else { throw fail(key, "required string") }
        return s
    }

    /// A boolean that must be there (not missing, not null).
    public func requiredBool(_ key: String) throws(JSONInputError) -> Bool {
        guard let b = try bool(key) else { throw fail(key, "required true or false") }
        return b
    }

    public func int(_ key: String, in range: ClosedRange<Int> = .min ... .max) throws(JSONInputError) -> Int? {
        try number(key, range, "an integer", \.intValue)
    }

    public func double(_ key: String, in range: ClosedRange<Double>) throws(JSONInputError) -> Double? {
        try number(key, range, "a number", \.doubleValue)
    }

    private func number<T: Comparable>(_ key: String, _ range: ClosedRange<T>, _ what: String, _ read: (JSONValue) -> T?) throws(JSONInputError) -> T? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?:
            guard let n = read(v) else { throw fail(key, "expected \(what)") }
            guard range.contains(n) else { throw fail(key, "must be in \(range.lowerBound)...\(range.upperBound)") }
            return n
        }
    }

    public func bool(_ key: String) throws(JSONInputError) -> Bool? {
        switch value[key] {
        case nil, .null?: return nil
        case let .bool(b)?: return b
        default: throw fail(key, "expected true or false")
        }
    }

    public func strings(_ key: String) throws(JSONInputError) -> [String]? {
        switch value[key] {
        case nil, .null?: return nil
        case let .array(items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case let .string(s) = item else { throw JSONInputError(path: "\(path(of: key))[\(i)]", reason: "expected a string") }
                out.append(s)
            }
            return out
        default: throw fail(key, "expected an array of strings")
        }
    }

    /// A member that is an array, as values (each to be read by the caller).
    public func array(_ key: String) throws(JSONInputError) -> [JSONValue]? {
        switch value[key] {
        case nil, .null?: return nil
        case let .array(items)?: return items
        default: throw fail(key, "expected an array")
        }
    }

    public func object(_ key: String) throws(JSONInputError) -> JSONInput? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?: return try JSONInput(v, path: path(of: key))
        }
    }

    /// Refuses keys other than `known`, so that a misspelt field is reported, not ignored.
    public func only(_ known: Set<String>) throws(JSONInputError) {
        for member in value.objectValue ?? [] where !known.contains(member.key) {
            throw fail(member.key, "unknown field")
        }
    }
}
