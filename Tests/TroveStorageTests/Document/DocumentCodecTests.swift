import Testing
import TroveJSON
@testable import TroveStorage

@Suite struct DocumentCodecTests {
    static let everyType = Document(id: "doc-ü-1", fields: [
        Field("null", .null),
        Field("string", .string("héllo, wörld — 日本語 🎉")),
        Field("int", .int(-9_223_372_036_854_775_807)),
        Field("double", .double(3.141592653589793)),
        Field("bool", .bool(true)),
        Field("timestamp", .timestamp(1_700_000_000_123_456)),
        Field("bytes", .bytes([0, 1, 2, 255, 128])),
        Field("vector", .vector([0.25, -1.5, 3e-8, .greatestFiniteMagnitude])),
        Field("json", .json(.object([
            JSONMember("a", .array([.int(1), .double(2.5), .string("x"), .null, .bool(false)])),
            JSONMember("b", .object([JSONMember("c", .bool(true))])),
        ]))),
    ])

    @Test func everyFieldTypeRoundTrips() throws {
        let bytes = try DocumentCodec.encode(Self.everyType)
        #expect(try DocumentCodec.decode(bytes) == Self.everyType)
    }

    @Test func emptyAndOversizedIDsAreRefused() {
        #expect(throws: StorageError.self) { try DocumentCodec.encode(Document(id: "")) }
        #expect(throws: StorageError.self) { try DocumentCodec.encode(Document(id: String(repeating: "x", count: 513))) }
    }

    @Test func jsonDeeperThanTheReaderAcceptsIsRefusedOnWrite() throws {
        var deep = JSONValue.int(1)
        for _ in 0..<300 { deep = .array([deep]) }
        #expect(throws: StorageError.self) { try DocumentCodec.encode(Document(id: "d", fields: [Field("j", .json(deep))])) }
        var ok = JSONValue.int(1)
        for _ in 0..<200 { ok = .array([ok]) }
        let doc = Document(id: "d", fields: [Field("j", .json(ok))])
        #expect(try DocumentCodec.decode(DocumentCodec.encode(doc)) == doc)
    }

    @Test func everyTruncationIsATypedError() throws {
        let bytes = try DocumentCodec.encode(Self.everyType)
        for cut in 0..<bytes.count {
            #expect(throws: StorageError.self) { try DocumentCodec.decode(Array(bytes[..<cut])) }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(state: 42)
        var decoded = 0
        for _ in 0..<5000 {
            let n = Int(rng.next() % 64)
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if (try? DocumentCodec.decode(bytes)) != nil { decoded += 1 }
        }
        // Almost all random inputs must be rejected; none may crash.
        #expect(decoded < 500)
    }

    @Test func unknownTypeTagNamesItsOffset() throws {
        var bytes = try DocumentCodec.encode(Document(id: "a", fields: [Field("f", .bool(true))]))
        // id "a" (2 bytes), count (1), name "f" (2), then the tag.
        bytes[5] = 99
        #expect(throws: StorageError.malformedDocument(offset: 5, reason: "unknown field type tag 99")) {
            try DocumentCodec.decode(bytes)
        }
    }

    @Test func jsonConversionKeepsOrderAndTypes() throws {
        let json = try JSONParser.parse(#"{"b":1,"id":"x","a":"s","c":1.5,"d":[1,{"e":null}],"f":true}"#)
        let doc = try DocumentJSON.document(from: json, makeID: { "unused" })
        #expect(doc.id == "x")
        #expect(doc.fields.map(\.name) == ["b", "a", "c", "d", "f"])
        #expect(doc["b"] == .int(1))
        #expect(doc["c"] == .double(1.5))
        let back = JSONWriter.string(DocumentJSON.json(from: doc))
        #expect(back == #"{"id":"x","b":1,"a":"s","c":1.5,"d":[1,{"e":null}],"f":true}"#)
    }

    @Test func missingIDIsGeneratedAndBadIDRefused() throws {
        let doc = try DocumentJSON.document(from: try JSONParser.parse(#"{"a":1}"#), makeID: { "gen-1" })
        #expect(doc.id == "gen-1")
        #expect(throws: DocumentJSON.Failure.self) { try DocumentJSON.document(from: try JSONParser.parse(#"{"id":[1]}"#), makeID: { "x" }) }
        #expect(throws: DocumentJSON.Failure.self) { try DocumentJSON.document(from: try JSONParser.parse(#"[1]"#), makeID: { "x" }) }
    }

    @Test func timestampsRenderAsRFC3339() {
        #expect(Timestamp.rfc3339(microseconds: 0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(microseconds: 1_700_000_000_123_456) == "2023-11-14T22:13:20.123456Z")
        #expect(Timestamp.rfc3339(microseconds: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp.rfc3339(microseconds: Timestamp.range.lowerBound) == "0001-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(microseconds: Timestamp.range.upperBound) == "9999-12-31T23:59:59.999999Z")
    }

    /// `Int64.min` once overflowed the floor division and trapped every read of its
    /// document; values no schema accepts (but a file may hold) render as numbers.
    @Test func timestampsOutsideTheRFC3339RangeRenderAsNumbers() {
        for v in [Int64.min, Int64.min + 1, Int64.max, Timestamp.range.lowerBound - 1, Timestamp.range.upperBound + 1] {
            #expect(Timestamp.rfc3339(microseconds: v) == String(v))
        }
        #expect(DocumentJSON.jsonValue(.timestamp(.min)) == .string(String(Int64.min)))
    }
}
