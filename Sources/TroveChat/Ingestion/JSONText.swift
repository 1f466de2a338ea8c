import Foundation
import TroveJSON

/// Flattens JSON into `path: value` lines (`items[0].name: Widget`), in document order.
/// Paths keep each value's meaning when the text is later cut into chunks and searched.
enum JSONText {
    static func extract(_ bytes: [UInt8], budget: inout TextBudget) throws(IngestionError) -> String {
        let whole: Result<JSONValue, JSONError> = Result { () throws(JSONError) in try JSONParser.parse(bytes) }
        switch whole {
        case let .success(value):
            return try flatten(value, budget: &budget)
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
                blocks.append(try flatten(value, budget: &budget))
            }
            return blocks.joined(separator: "\n\n")
        }
    }

    /// The non-blank lines of a byte range.
    static func lines(of bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A).filter { !$0.allSatisfy(ContentType.isASCIISpace) }
    }

    static func flatten(_ value: JSONValue, budget: inout TextBudget) throws(IngestionError) -> String {
        var lines: [String] = []
        try walk(value, path: "", into: &lines, budget: &budget)
        return lines.joined(separator: "\n")
    }

    /// Every path built is spent from the budget (even a container's, which emits nothing
    /// by itself), so deep nesting cannot cost more work than the budget allows.
    private static func walk(_ value: JSONValue, path: String, into lines: inout [String], budget: inout TextBudget) throws(IngestionError) {
        try budget.spend(path.utf8.count + 1)
        switch value {
        case let .object(members):
            if members.isEmpty { lines.append(line("(empty)", path: path)) }
            for member in members { try walk(member.value, path: join(path, member.key), into: &lines, budget: &budget) }
        case let .array(items):
            if items.isEmpty { lines.append(line("(empty)", path: path)) }
            for (index, item) in items.enumerated() { try walk(item, path: path + "[\(index)]", into: &lines, budget: &budget) }
        case let .string(text):
            try budget.spend(text.utf8.count)
            lines.append(line(text, path: path))
        case let .int(number): lines.append(line(String(number), path: path))
        case let .double(number): lines.append(line(JSONWriter.string(.double(number)), path: path))
        case let .bool(flag): lines.append(line(flag ? "true" : "false", path: path))
        case .null: lines.append(line("null", path: path))
        }
    }

    private static func line(_ text: String, path: String) -> String {
        path.isEmpty ? text : "\(path): \(text)"
    }

    /// Keys that would make the path ambiguous are written as `["key"]`.
    private static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && !key.contains { $0 == "." || $0 == "[" || $0 == "]" || $0.isWhitespace }
        if plain { return path.isEmpty ? key : path + "." + key }
        let escaped = key.replacingOccurrences(of: "\"", with: "\\\"")
        return path + "[\"" + escaped + "\"]"
    }
}
