import Hummingbird
import NIOCore
import TroveJSON

/// JSON in and out with the engine's own JSON reader and writer (order-preserving, typed
/// errors with byte offsets).
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: JSONWriter.string(value))))
    }

    /// A list: `{"object": "list", "data": [...], "next_cursor": ...}`.
    static func list(_ items: [JSONValue], cursor: String? = nil) -> Response {
        make(.object([JSONMember("object", .string("list")), JSONMember("data", .array(items)),
                      JSONMember("next_cursor", cursor.map(JSONValue.string) ?? .null)]))
    }
}

extension Request {
    /// The body parsed as JSON, at most `limit` bytes: too large → 413, not JSON → 400
    /// naming the byte offset.
    func json(limit: Int) async throws -> JSONValue {
        try Self.parse(try await bodyBytes(limit: limit))
    }

    /// `jsonObject`, or nil for an empty body (routes whose body is optional).
    func optionalJSONObject(limit: Int, members: Set<String>) async throws -> JSONInput? {
        let buffer = try await bodyBytes(limit: limit)
        guard buffer.readableBytes > 0 else { return nil }
        let input = try JSONInput(try Self.parse(buffer))
        try input.only(members)
        return input
    }

    private func bodyBytes(limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch {
            throw APIError(status: .contentTooLarge, type: "invalid_request_error", message: "the body is larger than \(limit) bytes", code: "too_large")
        }
    }

    private static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        do {
            return try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("the body is not valid JSON: \(error)", field: "$")
        }
    }

    /// The body as a strict JSON object holding only `members`: anything else is a 400
    /// naming the path (see `JSONInput`).
    func jsonObject(limit: Int, members: Set<String>) async throws -> JSONInput {
        let input = try JSONInput(await json(limit: limit))
        try input.only(members)
        return input
    }
}
