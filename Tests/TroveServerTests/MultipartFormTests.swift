import Testing
@testable import TroveServer

@Suite struct MultipartFormTests {
    private let boundary = "XyZ"

    private func form(_ text: String) throws -> MultipartForm { try MultipartForm(body: Array(text.utf8), boundary: boundary) }

    @Test func partsWithNamesFilenamesTypesAndBinarySafeContent() throws {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\nnotes\r\n--XyZ--\r\n"
        let f = try form(body)
        #expect(f.parts.count == 2)
        let file = try #require(f.part(named: "file"))
        #expect(file.filename == "a b.txt" && file.contentType == "text/plain")
        #expect(String(decoding: file.bytes, as: UTF8.self) == "line one\r\nline two")
        #expect(f.part(named: "collection").map { String(decoding: $0.bytes, as: UTF8.self) } == "notes")
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"XyZ\"") == "XyZ")
        #expect(MultipartForm.boundary(contentType: "application/json") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
    }

    @Test func brokenBodiesAreRefused() {
        let broken = [
            "no delimiter at all",
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnever closed",
            "--XyZ no CRLF after the delimiter\r\n\r\nx\r\n--XyZ--",
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\nheaders never end\r\n--XyZ--",
        ]
        for text in broken {
            #expect(throws: APIError.self, "\(text)") { try form(text) }
        }
    }
}
