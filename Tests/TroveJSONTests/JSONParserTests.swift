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

    /// The string scan skips eight bytes at a time: its test must flag every word holding
    /// a quote, a backslash or a control character, in any lane, and nothing else.
    @Test func wordScanFlagsExactlyTheWordsThatEndAPlainRun() {
        func special(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 }
        for lane in 0..<8 {
            for b in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[lane] = UInt8(b)
                let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(JSONParser.mayEndPlainRun(w) == special(UInt8(b)), "byte \(b) in lane \(lane)")
            }
        }
        var state: UInt64 = 0x1234_5678
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x61, 0x41]
        for _ in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bytes = (0..<8).map { alphabet[Int((state >> (UInt64($0) * 4 + 16)) & 15)] }
            let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(JSONParser.mayEndPlainRun(w) == bytes.contains(where: special))
        }
    }

    @Test func longStringsWithEscapesLateOrEarlyParse() throws {
        for cut in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65] {
            let plain = String(repeating: "abcdefgh", count: 9)
            let text = String(plain.prefix(cut)) + "\\n\\\"é" + String(plain.dropFirst(cut))
            let v = try JSONParser.parse("[\"" + text + "\"]")
            #expect(v == .array([.string(String(plain.prefix(cut)) + "\n\"é" + String(plain.dropFirst(cut)))]))
            #expect(throws: JSONError.self) { try JSONParser.parse("[\"" + String(plain.prefix(cut)) + "\u{1}" + "\"]") }
        }
    }
}
