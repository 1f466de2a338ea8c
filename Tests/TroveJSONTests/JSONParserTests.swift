import Testing
@testable import TroveJSON

@Suite struct JSONParserTests {
    @Test func parsesEveryKind() throws {
        let v = try JSONParser.parse(#" {"a": [1, -2, 3.5, -0.0, 1e3, 9223372036854775807, -9223372036854775808, 18446744073709551616], "b": "x\ny\u00e9\ud83d\ude00\"\\\/", "c": true, "d": false, "e": null, "f": {}} "#)
        guard case let .object(m) = v else { Issue.record("not an object"); return }
        #expect(m.map(\.key) == ["a", "b", "c", "d", "e", "f"])
        #expect(v["a"] == .array([.int(1), .int(-2), .double(3.5), .double(-0.0), .double(1000), .int(.max), .int(.min), .double(18446744073709551616)]))
        #expect(v["b"] == .string("x\nyé😀\"\\/"))
        #expect(v["f"] == .object([JSONMember]()))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"", "\"\\ud800\"",
        "\"a\u{01}b\"", "[1] 2", "{\"a\":1}}", "1e", "nul", "'a'", "{1:2}", "1e999",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func rejectsDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
    }

    @Test func errorNamesTheOffset() {
        #expect(throws: JSONError(offset: 7, message: "expected ',' or '}'")) { try JSONParser.parse(#"{"a":1 "b":2}"#) }
    }

    @Test func writerRoundTrips() throws {
        let text = #"{"s":"a\"b\\c\n\u0001","n":[1,2.5,-3],"o":{"k":null,"t":true}}"#
        let v = try JSONParser.parse(text)
        #expect(JSONWriter.string(v) == text)
        #expect(try JSONParser.parse(JSONWriter.string(v)) == v)
    }
}
