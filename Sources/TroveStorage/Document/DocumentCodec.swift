import TroveJSON

/// The binary encoding of a document, as stored in write-ahead-log records and segment
/// blocks: the id, a field count, then per field its name, a type tag and the value.
public enum DocumentCodec {
    /// Deepest JSON nesting accepted when decoding, matching the parser's limit.
    static let maxJSONDepth = JSONParser.maxDepth

    /// Encodes `document`. Throws when the id is invalid; the caller has written nothing.
    public static func encode(_ document: Document) throws(StorageError) -> [UInt8] {
        try Document.validate(id: document.id)
        for field in document.fields {
            if case let .json(j) = field.value, depth(of: j) > maxJSONDepth {
                throw .invalidArgument("field '\(field.name)': JSON nested deeper than \(maxJSONDepth)")
            }
        }
        var w = ByteWriter(capacity: 128)
        w.string(document.id)
        w.varint(document.fields.count)
        for field in document.fields {
            w.string(field.name)
            w.u8(field.value.tag)
            encodeValue(field.value, into: &w)
        }
        return w.bytes
    }

    private static func encodeValue(_ value: FieldValue, into w: inout ByteWriter) {
        switch value {
        case .null: break
        case let .string(s): w.string(s)
        case let .int(i): w.zigzag(i)
        case let .double(d): w.f64(d)
        case let .bool(b): w.u8(b ? 1 : 0)
        case let .timestamp(t): w.zigzag(t)
        case let .bytes(b): w.lengthPrefixed(b)
        case let .vector(v):
            w.varint(v.count)
            for x in v { w.f32(x) }
        case let .json(j): encodeJSON(j, into: &w)
        }
    }

    /// Nesting depth of a JSON value (a scalar is 0), stopping early past the limit.
    static func depth(of value: JSONValue, _ current: Int = 0) -> Int {
        if current > maxJSONDepth { return current }
        switch value {
        case let .array(items): return items.map { depth(of: $0, current + 1) }.max() ?? current + 1
        case let .object(members): return members.map { depth(of: $0.value, current + 1) }.max() ?? current + 1
        default: return current
        }
    }

    static func encodeJSON(_ value: JSONValue, into w: inout ByteWriter) {
        switch value {
        case .null: w.u8(0)
        case .bool(false): w.u8(1)
        case .bool(true): w.u8(2)
        case let .int(i): w.u8(3); w.zigzag(i)
        case let .double(d): w.u8(4); w.f64(d)
        case let .string(s): w.u8(5); w.string(s)
        case let .array(items):
            w.u8(6)
            w.varint(items.count)
            for item in items { encodeJSON(item, into: &w) }
        case let .object(members):
            w.u8(7)
            w.varint(members.count)
            for m in members {
                w.string(m.key)
                encodeJSON(m.value, into: &w)
            }
        }
    }

    /// Decodes a whole encoding; trailing bytes are an error.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(StorageError) -> Document {
        var r = ByteReader(bytes)
        do {
            let doc = try decode(from: &r)
            if !r.isAtEnd { throw DecodeError(offset: r.offset, reason: "trailing bytes after document") }
            return doc
        } catch let e as DecodeError {
            throw .malformedDocument(offset: e.offset, reason: e.reason)
        } catch {
            throw .malformedDocument(offset: r.offset, reason: "\(error)")
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(StorageError) -> Document {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(StorageError) in try decode(raw) } }
        return try result.get()
    }

    /// Reads only the id at the start of an encoding.
    public static func decodeID(_ bytes: UnsafeRawBufferPointer) throws -> String {
        var r = ByteReader(bytes)
        return try r.string()
    }

    static func decode(from r: inout ByteReader) throws -> Document {
        let id = try r.string()
        let count = try r.length(limit: r.remaining)
        var fields: [Field] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let name = try r.string()
            let tagOffset = r.offset
            let tag = try r.u8()
            fields.append(Field(name, try decodeValue(tag: tag, at: tagOffset, from: &r)))
        }
        return Document(id: id, fields: fields)
    }

    private static func decodeValue(tag: UInt8, at offset: Int, from r: inout ByteReader) throws -> FieldValue {
        switch tag {
        case 0: return .null
        case 1: return .string(try r.string())
        case 2: return .int(try r.zigzag())
        case 3: return .double(try r.f64())
        case 4:
            let b = try r.u8()
            guard b <= 1 else { throw DecodeError(offset: r.offset - 1, reason: "bool byte \(b)") }
            return .bool(b == 1)
        case 5: return .timestamp(try r.zigzag())
        case 6: return .bytes([UInt8](try r.lengthPrefixed()))
        case 7:
            let n = try r.length(limit: r.remaining / 4)
            let raw = try r.bytes(n * 4)
            return .vector((0..<n).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) })
        case 8: return .json(try decodeJSON(from: &r, depth: 0))
        default: throw DecodeError(offset: offset, reason: "unknown field type tag \(tag)")
        }
    }

    static func decodeJSON(from r: inout ByteReader, depth: Int) throws -> JSONValue {
        if depth > maxJSONDepth { throw DecodeError(offset: r.offset, reason: "JSON nested too deep") }
        let start = r.offset
        switch try r.u8() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try r.zigzag())
        case 4: return .double(try r.f64())
        case 5: return .string(try r.string())
        case 6:
            let n = try r.length(limit: r.remaining)
            var items: [JSONValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try decodeJSON(from: &r, depth: depth + 1)) }
            return .array(items)
        case 7:
            let n = try r.length(limit: r.remaining)
            var members: [JSONMember] = []
            members.reserveCapacity(n)
            for _ in 0..<n {
                let key = try r.string()
                members.append(JSONMember(key, try decodeJSON(from: &r, depth: depth + 1)))
            }
            return .object(members)
        case let t: throw DecodeError(offset: start, reason: "unknown JSON tag \(t)")
        }
    }
}
