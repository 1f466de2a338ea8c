import Foundation
import TroveJSON

/// A settings file: `trove.toml` or `trove.json`, read into flat `section.key` names.
///
/// The TOML read here is the subset settings need — `[section]` tables, `key = value`
/// with basic or literal strings, integers, floats and booleans, `#` comments — and
/// anything else (arrays, inline tables, multi-line strings) is refused with its line,
/// never skipped. JSON is an object of objects (or of plain values for top-level keys).
struct ConfigFile: Sendable, Equatable {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String)
        case syntax(path: String, line: Int, reason: String)
        /// A key that holds a value of another type than the setting takes.
        case badValue(path: String, key: String, expected: String)

        public var description: String {
            switch self {
            case let .unreadable(path): return "cannot read the settings file \(path)"
            case let .syntax(path, line, reason): return "\(path):\(line): \(reason)"
            case let .badValue(path, key, expected): return "\(path): \(key): expected \(expected)"
            }
        }
    }

    var path: String
    var values: [String: JSONValue]

    static func load(_ path: String) throws(Failure) -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path)
        }
        if path.hasSuffix(".json") {
            do {
                return ConfigFile(path: path, values: flatten(try JSONParser.parse(text)))
            } catch {
                throw .syntax(path: path, line: 1, reason: "\(error)")
            }
        }
        return ConfigFile(path: path, values: try parseTOML(text, path: path))
    }

    /// The string at `key` (an integer is taken as its digits); nil when the key is
    /// absent, an error naming it when it holds another type.
    func string(_ key: String) throws(Failure) -> String? {
        switch values[key] {
        case nil: return nil
        case let .string(s)?: return s
        case let .int(i)?: return String(i)
        default: throw .badValue(path: path, key: key, expected: "a string")
        }
    }

    /// The integer at `key`; nil when absent, an error naming it for another type.
    func int(_ key: String) throws(Failure) -> Int? {
        guard let v = values[key] else { return nil }
        guard let i = v.intValue else { throw .badValue(path: path, key: key, expected: "an integer") }
        return i
    }

    /// The number at `key` (an integer counts); nil when absent, an error naming it for
    /// another type.
    func double(_ key: String) throws(Failure) -> Double? {
        guard let v = values[key] else { return nil }
        guard let d = v.doubleValue else { throw .badValue(path: path, key: key, expected: "a number") }
        return d
    }

    private static func flatten(_ json: JSONValue) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for member in json.objectValue ?? [] {
            if let inner = member.value.objectValue {
                for m in inner { out["\(member.key).\(m.key)"] = m.value }
            } else {
                out[member.key] = member.value
            }
        }
        return out
    }

    static func parseTOML(_ text: String, path: String) throws(Failure) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        var section = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else { throw .syntax(path: path, line: n + 1, reason: "expected [section]") }
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw .syntax(path: path, line: n + 1, reason: "expected key = value") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard !key.isEmpty else { throw .syntax(path: path, line: n + 1, reason: "missing key") }
            guard let value = tomlValue(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)) else {
                throw .syntax(path: path, line: n + 1, reason: "unsupported value (use a string, number or true/false)")
            }
            out[section.isEmpty ? key : "\(section).\(key)"] = value
        }
        return out
    }

    private static func tomlValue(_ text: String) -> JSONValue? {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            var out = "", escaped = false
            for ch in text.dropFirst().dropLast() {
                if escaped {
                    switch ch { case "n": out.append("\n"); case "t": out.append("\t"); default: out.append(ch) }
                    escaped = false
                } else if ch == "\\" { escaped = true } else { out.append(ch) }
            }
            return escaped ? nil : .string(out)
        }
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { return .string(String(text.dropFirst().dropLast())) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        let digits = text.replacingOccurrences(of: "_", with: "")
        if let i = Int64(digits) { return .int(i) }
        if let d = Double(digits), d.isFinite { return .double(d) }
        return nil
    }

    /// The line without a `#` comment (a `#` inside quotes is text).
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        for (i, ch) in zip(line.indices, line) {
            if let q = quote { if ch == q { quote = nil } } else if ch == "\"" || ch == "'" { quote = ch } else if ch == "#" { return String(line[..<i]) }
        }
        return line
    }
}
