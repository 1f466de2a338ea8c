/// A `multipart/form-data` body (RFC 7578) split into its parts: each part's field name,
/// file name if any, content type, and bytes. Parts are found by the boundary the
/// Content-Type header names; a body that does not follow the format is refused.
struct MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var bytes: ArraySlice<UInt8>
    }

    var parts: [Part]
    /// The most parts a form may have (an upload needs two: the file and its collection).
    static let maximumParts = 16

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(b.utf8.count) ? b : nil
            }
        }
        return nil
    }

    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var i = 0
        while let found = Self.find(delimiter, in: body, from: i) {
            positions.append(found)
            // n + 1 delimiters close n parts; counted before any part is copied.
            guard positions.count <= Self.maximumParts + 1 else {
                throw APIError(status: .contentTooLarge, type: "invalid_request_error", message: "the form has more than \(Self.maximumParts) parts", code: "too_many_parts")
            }
            i = found + delimiter.count
        }
        guard positions.count >= 2 else { throw APIError.badRequest("the multipart body has no parts for its boundary", field: "file") }
        parts = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var from = start + delimiter.count
            // After the delimiter: CRLF before a part's headers.
            guard from + 2 <= end, body[from] == 13, body[from + 1] == 10 else { throw APIError.badRequest("a multipart delimiter is not followed by CRLF", field: "file") }
            from += 2
            guard let headerEnd = Self.find(Array("\r\n\r\n".utf8), in: body, from: from), headerEnd < end else {
                throw APIError.badRequest("a multipart part has no end of headers", field: "file")
            }
            let headers = String(decoding: body[from..<headerEnd], as: UTF8.self)
            // The part's content ends with the CRLF that precedes the next delimiter.
            let contentEnd = end - 2
            guard contentEnd >= headerEnd + 4 else { throw APIError.badRequest("a multipart part is truncated", field: "file") }
            var part = Part(name: "", filename: nil, contentType: nil, bytes: body[(headerEnd + 4)..<contentEnd])
            for line in headers.split(separator: "\r\n") {
                let kv = line.split(separator: ":", maxSplits: 1)
                guard kv.count == 2 else { continue }
                let value = kv[1].trimmingCharacters(in: .whitespaces)
                switch kv[0].lowercased() {
                case "content-disposition":
                    part.name = Self.parameter("name", in: value) ?? ""
                    part.filename = Self.parameter("filename", in: value)
                case "content-type":
                    part.contentType = value
                default:
                    break
                }
            }
            parts.append(part)
        }
    }

    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    private static func parameter(_ name: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == name { return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

import Foundation
