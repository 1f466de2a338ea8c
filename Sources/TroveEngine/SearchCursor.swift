/// Where the next page starts. Opaque to callers; made and read only here.
///
/// - `offset`: score order; the page starts `offset` hits into the pinned snapshot's
///   result list.
/// - `after`: field order; the page starts after (value, id) in the sort, on whatever
///   snapshot is current, so documents written meanwhile are seen if they sort later.
enum SearchCursor: Equatable {
    case offset(pin: UInt64, offset: Int)
    case after(field: String, descending: Bool, value: Int64?, id: String)

    var encoded: String {
        switch self {
        case let .offset(pin, offset): return "o.\(String(pin, radix: 16)).\(offset)"
        case let .after(field, descending, value, id):
            return "f.\(Self.hex(field)).\(descending ? "d" : "a").\(value.map(String.init) ?? "_").\(Self.hex(id))"
        }
    }

    static func decode(_ text: String) throws -> SearchCursor {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let malformed = EngineError.badQuery("malformed search_after cursor")
        switch parts.first {
        case "o"?:
            guard parts.count == 3, let pin = UInt64(parts[1], radix: 16), let offset = Int(parts[2]), offset >= 0 else { throw malformed }
            return .offset(pin: pin, offset: offset)
        case "f"?:
            guard parts.count == 5, let field = unhex(parts[1]), let id = unhex(parts[4]), parts[2] == "d" || parts[2] == "a" else { throw malformed }
            let value: Int64?
            if parts[3] == "_" { value = nil } else if let v = Int64(parts[3]) { value = v } else { throw malformed }
            return .after(field: field, descending: parts[2] == "d", value: value, id: id)
        default: throw malformed
        }
    }

    private static func hex(_ s: String) -> String {
        s.utf8.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private static func unhex(_ s: String) -> String? {
        guard s.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            guard let b = UInt8(s[i..<j], radix: 16) else { return nil }
            bytes.append(b)
            i = j
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
