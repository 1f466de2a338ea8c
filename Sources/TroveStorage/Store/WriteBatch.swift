/// Writes applied all together or not at all: one log record, one publication.
public struct WriteBatch: Sendable {
    public enum Operation: Sendable {
        case put(collection: String, document: Document)
        case delete(collection: String, id: String)
    }

    public private(set) var operations: [Operation] = []

    public init() {}

    public var isEmpty: Bool { operations.isEmpty }
    public var count: Int { operations.count }

    /// Inserts `document`, or replaces the document with its id.
    public mutating func put(_ document: Document, in collection: String) {
        operations.append(.put(collection: collection, document: document))
    }

    /// Deletes the document with `id` (nothing happens when there is none).
    public mutating func delete(id: String, in collection: String) {
        operations.append(.delete(collection: collection, id: id))
    }
}

/// An operation in log form: the collection resolved to its id, the document encoded.
struct EncodedOperation: Sendable {
    static let put: UInt8 = 1
    static let delete: UInt8 = 2

    let kind: UInt8
    let collection: UInt32
    let id: String
    let hash: UInt64
    /// The document encoding for a put; empty for a delete.
    let encoded: [UInt8]

    /// The log payload of a batch: count, then per operation kind, collection, and the
    /// document encoding (put) or the id (delete).
    static func payload(_ ops: [EncodedOperation]) -> [UInt8] {
        var w = ByteWriter(capacity: ops.reduce(8) { $0 + $1.encoded.count + $1.id.utf8.count + 8 })
        w.varint(ops.count)
        for op in ops {
            w.u8(op.kind)
            w.varint(UInt64(op.collection))
            if op.kind == put { w.lengthPrefixed(op.encoded) } else { w.string(op.id) }
        }
        return w.bytes
    }

    /// The operations of a logged batch, for recovery and `verify` (each put decoded in full).
    static func decodePayload(_ bytes: UnsafeRawBufferPointer) throws -> [EncodedOperation] {
        var r = ByteReader(bytes)
        let n = try r.length(limit: bytes.count)
        var ops: [EncodedOperation] = []
        ops.reserveCapacity(n)
        for _ in 0..<n {
            let kindOffset = r.offset
            let kind = try r.u8()
            let collection = try r.varint()
            guard collection <= UInt64(UInt32.max) else { throw DecodeError(offset: kindOffset, reason: "collection id too large") }
            switch kind {
            case put:
                let encoded = try r.lengthPrefixed()
                // The whole document, not just its id: a logged put that passes its CRC but
                // does not decode would otherwise open fine and then fail every flush.
                let id = try DocumentCodec.decode(encoded).id
                ops.append(EncodedOperation(kind: kind, collection: UInt32(collection), id: id, hash: IDHash.hash(id), encoded: [UInt8](encoded)))
            case delete:
                let id = try r.string()
                ops.append(EncodedOperation(kind: kind, collection: UInt32(collection), id: id, hash: IDHash.hash(id), encoded: []))
            default:
                throw DecodeError(offset: kindOffset, reason: "unknown operation kind \(kind)")
            }
        }
        guard r.isAtEnd else { throw DecodeError(offset: r.offset, reason: "trailing bytes in batch") }
        return ops
    }
}
