import Foundation
import Hummingbird
import NIOCore
import TroveChat
import TroveJSON
import TroveStorage

/// Reads a `_bulk` body, Elasticsearch's NDJSON: an action line (`{"index": {"_id": …}}`
/// followed by the document's line, or `{"delete": {"_id": …}}`), one per line. The body is
/// read as it arrives and parsed a slice of whole lines at a time on `BlockingPool`'s
/// threads, so it never sits in memory as a whole and a big parse never holds the
/// cooperative pool. A line that is not JSON, an unknown action or a missing document line
/// refuses the whole request (400 naming the line); a bad id refuses only its item.
struct BulkBody: Sendable {
    /// Bytes gathered before a slice of whole lines is handed to a parsing thread.
    static let sliceBytes = 1 << 20

    private var line = 0
    /// An index action waiting for its document line: its `_id` and line.
    private var pendingIndex: (id: String?, line: Int)?
    /// The actions of the slice being read (handed back and emptied after each slice, so
    /// the parsing thread never copies what came before).
    private var actions: [BulkAction] = []

    /// Reads every action of `body`, at most `limit` bytes (more → 413, checked against
    /// Content-Length before anything is read).
    static func read(_ request: Request, limit: Int) async throws -> [BulkAction] {
        let tooLarge = APIError(status: .contentTooLarge, type: "invalid_request_error",
                                message: "the bulk body is larger than \(limit) bytes; send it in parts", code: "too_large")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        var reader = BulkBody()
        var actions: [BulkAction] = []
        var pending: [UInt8] = []
        var total = 0
        for try await chunk in request.body {
            total += chunk.readableBytes
            guard total <= limit else { throw tooLarge }
            pending.append(contentsOf: chunk.readableBytesView)
            if pending.count >= sliceBytes, let end = pending.lastIndex(of: UInt8(ascii: "\n")) {
                let slice = Array(pending[...end])
                pending.removeSubrange(...end)
                actions += try await Self.parse(slice, with: &reader)
            }
        }
        actions += try await Self.parse(pending, with: &reader)
        if let open = reader.pendingIndex { throw Self.malformed(open.line, "the index action has no document line after it", path: "$") }
        guard !actions.isEmpty else { throw APIError.badRequest("the body holds no actions: send NDJSON lines such as {\"index\": {\"_id\": \"1\"}} and the document", field: "$") }
        return actions
    }

    /// Parses `slice` on a parsing thread, carrying the reader's state across slices.
    private static func parse(_ slice: [UInt8], with reader: inout BulkBody) async throws -> [BulkAction] {
        guard !slice.isEmpty else { return [] }
        let state = reader
        let (next, parsed) = try await BlockingPool.shared.run {
            var r = state
            try r.consume(slice)
            let parsed = r.actions
            r.actions = []
            return (r, parsed)
        }
        reader = next
        return parsed
    }

    /// Reads the whole lines of `bytes` (the last may lack its newline only at the body's end).
    mutating func consume(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                var end = start
                while end < raw.count, raw[end] != UInt8(ascii: "\n") { end += 1 }
                line += 1
                var last = end
                while last > start, raw[last - 1] == UInt8(ascii: "\r") || raw[last - 1] == UInt8(ascii: " ") || raw[last - 1] == UInt8(ascii: "\t") { last -= 1 }
                if last > start { try take(UnsafeRawBufferPointer(rebasing: raw[start ..< last])) }
                start = end + 1
            }
        }
    }

    private mutating func take(_ bytes: UnsafeRawBufferPointer) throws {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw Self.malformed(line, "not valid JSON: \(error)", path: "$") }
        if let pending = pendingIndex {
            pendingIndex = nil
            guard case .object = value else { throw Self.malformed(line, "the document of the index action on line \(pending.line) must be a JSON object", path: "$") }
            do {
                var document = try DocumentJSON.document(from: value, makeID: { pending.id ?? Self.newID() })
                if let id = pending.id { document.id = id }
                actions.append(.index(document, line: line))
            } catch {
                actions.append(.refused(action: "index", id: pending.id, line: line, field: "$.id", reason: error.description))
            }
            return
        }
        try takeAction(value)
    }

    private mutating func takeAction(_ value: JSONValue) throws {
        guard case let .object(members) = value, members.count == 1, let member = members.first else {
            throw Self.malformed(line, "an action line is one object with one member: index or delete", path: "$")
        }
        guard member.key == "index" || member.key == "delete" else {
            throw Self.malformed(line, "unknown action '\(member.key)': index or delete", path: "$.\(member.key)")
        }
        guard case let .object(meta) = member.value else { throw Self.malformed(line, "must be an object such as {\"_id\": \"1\"}", path: "$.\(member.key)") }
        var id: String?
        for m in meta {
            switch (m.key, m.value) {
            case let ("_id", .string(s)): id = s
            case let ("_id", .int(i)): id = String(i)
            case ("_id", _): throw Self.malformed(line, "must be a string or an integer", path: "$.\(member.key)._id")
            default: throw Self.malformed(line, "unknown member: only _id", path: "$.\(member.key).\(m.key)")
            }
        }
        if member.key == "index" {
            pendingIndex = (id, line)
            return
        }
        guard let id else { throw Self.malformed(line, "a delete names its _id", path: "$.delete._id") }
        do {
            try Document.validate(id: id)
            actions.append(.delete(id: id, line: line))
        } catch {
            actions.append(.refused(action: "delete", id: id, line: line, field: "$._id", reason: error.description))
        }
    }

    private static func malformed(_ line: Int, _ reason: String, path: String) -> APIError {
        .badRequest("line \(line): \(path): \(reason); nothing was written", field: "line \(line): \(path)")
    }

    /// An id for a document that names none: 128 random bits in hex, as a UUID.
    private static func newID() -> String { UUID().uuidString.lowercased() }
}
