import Testing
import TroveJSON

/// The strict reader: missing and null members are nil, everything else is either the
/// asked type or an error naming the member's path.
@Suite struct JSONInputTests {
    static let body = #"{"name": "x", "n": 7, "f": 0.5, "b": true, "tags": ["a", "b"], "nested": {"k": 3, "bad": [1, "two"]}, "nil": null}"#

    static func input() throws -> JSONInput { try JSONInput(JSONParser.parse(body)) }

    @Test func readsEachTypeAndTreatsMissingAndNullAlike() throws {
        let i = try Self.input()
        #expect(try i.string("name") == "x")
        #expect(try i.int("n", in: 0...10) == 7)
        #expect(try i.double("f", in: 0...1) == 0.5)
        #expect(try i.double("n", in: 0...10) == 7)
        #expect(try i.bool("b") == true)
        #expect(try i.strings("tags") == ["a", "b"])
        #expect(try i.array("tags")?.count == 2)
        #expect(try i.object("nested")?.int("k", in: 0...5) == 3)
        for key in ["missing", "nil"] {
            #expect(try i.string(key) == nil && i.int(key, in: 0...1) == nil && i.bool(key) == nil && i.object(key) == nil && i.strings(key) == nil)
        }
        #expect(i.has("nil") && !i.has("missing"))
    }

    static func expectError(_ expected: String, _ read: () throws(JSONInputError) -> Void) {
        do throws(JSONInputError) {
            try read()
            Issue.record("no error, expected \(expected)")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func wrongTypesAndRangesNameThePath() throws {
        let i = try Self.input()
        Self.expectError("$.n: expected a string") { () throws(JSONInputError) in _ = try i.string("n") }
        Self.expectError("$.name: longer than 0 bytes") { () throws(JSONInputError) in _ = try i.string("name", maxLength: 0) }
        Self.expectError("$.f: expected an integer") { () throws(JSONInputError) in _ = try i.int("f", in: 0...10) }
        Self.expectError("$.n: must be in 0...5") { () throws(JSONInputError) in _ = try i.int("n", in: 0...5) }
        Self.expectError("$.name: expected a number") { () throws(JSONInputError) in _ = try i.double("name", in: 0...1) }
        Self.expectError("$.n: expected true or false") { () throws(JSONInputError) in _ = try i.bool("n") }
        Self.expectError("$.name: expected an array of strings") { () throws(JSONInputError) in _ = try i.strings("name") }
        Self.expectError("$.nested.bad[0]: expected a string") { () throws(JSONInputError) in _ = try i.object("nested")?.strings("bad") }
        Self.expectError("$.b: expected an array") { () throws(JSONInputError) in _ = try i.array("b") }
        Self.expectError("$.tags: expected an object") { () throws(JSONInputError) in _ = try i.object("tags") }
        Self.expectError("$.nested.k: unknown field") { () throws(JSONInputError) in try i.object("nested")?.only(["bad"]) }
        Self.expectError("$.nil: required string") { () throws(JSONInputError) in _ = try i.requiredString("nil") }
        Self.expectError("$.missing: required true or false") { () throws(JSONInputError) in _ = try i.requiredBool("missing") }
        Self.expectError("$.n: expected true or false") { () throws(JSONInputError) in _ = try i.requiredBool("n") }
        #expect(try i.requiredString("name") == "x" && i.requiredBool("b"))
        #expect(throws: JSONInputError(path: "$", reason: "expected an object")) { _ = try JSONInput(.array([])) }
        #expect(throws: Never.self) { try i.only(["name", "n", "f", "b", "tags", "nested", "nil"]) }
    }
}
