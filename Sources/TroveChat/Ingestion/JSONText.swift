import Foundation
import TroveStorage

/// Flattens JSON into `path: value` lines (`items[0].name: Widget`), in document order.
/// Paths keep each value's meaning when the text is later cut into chunks and searched.
enum JSONText {
    static func extract(_ bytes: [UInt8]) throws(IngestionError) -> String {
        let whole: Result<JSONValue, JSONError> = Result { () throws(JSONError) in try JSONParser.parse(bytes) }
        switch whole {
        case let .success(value):
            return flatten(value)
        case let .failure(error):
            // JSON Lines: one value per line, each flattened as its own block.
            let records = lines(of: bytes[...])
            guard records.count >= 2, (try? JSONParser.parse(Array(records[0]))) != nil else {
                throw .corrupt(what: "JSON", detail: "\(error)")
            }
            var blocks: [String] = []
            for (index, record) in records.enumerated() {
                guard let value = try? JSONParser.parse(Array(record)) else {
                    throw .corrupt(what: "JSON Lines", detail: "record \(index + 1) is not a JSON value")
                }
                blocks.append(flatten(value))
            }
            return blocks.joined(separator: "\n\n")
        }
    }

    /// The non-blank lines of a byte range.
    static func lines(of bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A).filter { !$0.allSatisfy(ContentType.isASCIISpace) }
    }

    static func flatten(_ value: JSONValue) -> String {
        var lines: [String] = []
        walk(value, path: "", into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func walk(_ value: JSONValue, path: String, into lines: inout [String]) {
        switch value {
        case let .object(members):
            if members.isEmpty { emit("(empty)", path: path, into: &lines) }
            for member in members { walk(member.value, path: join(path, member.key), into: &lines) }
        case let .array(items):
            if items.isEmpty { emit("(empty)", path: path, into: &lines) }
            for (index, item) in items.enumerated() { walk(item, path: path + "[\(index)]", into: &lines) }
        case let .string(text): emit(text, path: path, into: &lines)
        case let .int(number): emit(String(number), path: path, into: &lines)
        case let .double(number): emit(JSONWriter.string(.double(number)), path: path, into: &lines)
        case let .bool(flag): emit(flag ? "true" : "false", path: path, into: &lines)
        case .null: emit("null", path: path, into: &lines)
        }
    }

    private static func emit(_ text: String, path: String, into lines: inout [String]) {
        lines.append(path.isEmpty ? text : "\(path): \(text)")
    }

    /// Keys that would make the path ambiguous are written as `["key"]`.
    private static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && !key.contains { $0 == "." || $0 == "[" || $0 == "]" || $0.isWhitespace }
        if plain { return path.isEmpty ? key : path + "." + key }
        let escaped = key.replacingOccurrences(of: "\"", with: "\\\"")
        return path + "[\"" + escaped + "\"]"
    }
}
