import Foundation
import Testing
@testable import TroveStorage

/// A small database written by format version 1 is committed under
/// `fixtures/golden-v1`; this suite reads it on every run, so a change to any byte
/// layout cannot slip in unnoticed. It holds two segments, a delete file, a log with
/// unflushed records, every field type, and collection metadata.
///
/// To write it again (only for a deliberate format change, with a new folder name):
/// `TROVE_GOLDEN_OUT=$PWD/fixtures/golden-vN swift test --filter GoldenFixture`.
enum GoldenFixture {
    static var committedPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/golden-v1").path
    }

    static func message(_ i: Int) -> Document {
        Document(id: "g-\(i)", fields: [
            Field("conversation_id", .string("conv-\(i % 7)")),
            Field("role", .string(i % 2 == 0 ? "user" : "assistant")),
            Field("text", .string("message number \(i) says hello to the golden fixture")),
            Field("ts", .timestamp(1_700_000_000_000_000 + Int64(i) * 1_000_000)),
        ])
    }

    static func write(to path: String) throws {
        var o = StoreOptions()
        o.backgroundMerges = false
        o.flushOnClose = false
        let store = try Store.open(at: path, options: o)
        try store.createCollection("messages", metadata: Array("schema:v1".utf8))
        try store.createCollection("empty")
        var first = WriteBatch()
        for i in 0..<100 { first.put(message(i), in: "messages") }
        first.put(DocumentCodecTests.everyType, in: "messages")
        try store.write(first)
        try store.flush()
        var second = WriteBatch()
        for i in 100..<150 { second.put(message(i), in: "messages") }
        second.delete(id: "g-3", in: "messages")
        second.put(Document(id: "g-4", fields: [Field("updated", .bool(true))]), in: "messages")
        try store.write(second)
        try store.flush()
        var third = WriteBatch()
        for i in 150..<160 { third.put(message(i), in: "messages") }
        third.delete(id: "g-5", in: "messages")
        try store.write(third)
        try store.close()
    }

    static func check(_ path: String) throws {
        var o = StoreOptions()
        o.readOnly = true
        let store = try Store.open(at: path, options: o)
        defer { try? store.close() }
        let snap = try store.snapshot()
        #expect(snap.collectionNames == ["empty", "messages"])
        #expect(try snap.metadata(of: "messages") == Array("schema:v1".utf8))
        #expect(try snap.count(in: "messages") == 159)
        #expect(try snap.count(in: "empty") == 0)
        #expect(try snap.segmentsInfo(of: "messages").map(\.documents) == [101, 51])
        #expect(try snap.get("g-3", in: "messages") == nil)
        #expect(try snap.get("g-5", in: "messages") == nil)
        #expect(try snap.get("g-4", in: "messages") == Document(id: "g-4", fields: [Field("updated", .bool(true))]))
        for i in [0, 99, 100, 149, 150, 159] { #expect(try snap.get("g-\(i)", in: "messages") == message(i)) }
        #expect(try snap.get(DocumentCodecTests.everyType.id, in: "messages") == DocumentCodecTests.everyType)
        var seen = 0
        try snap.forEach(in: "messages") { _ in seen += 1; return true }
        #expect(seen == 159)
        #expect(try Verifier.verify(path: path).isClean)
    }
}

@Suite struct GoldenFixtureTests {
    @Test func theCommittedFixtureStillReads() throws {
        #expect(LocalFileSystem().exists(GoldenFixture.committedPath + "/MANIFEST"), "fixtures/golden-v1 is missing")
        try GoldenFixture.check(GoldenFixture.committedPath)
    }

    @Test func thisVersionWritesWhatTheFixtureHolds() throws {
        let dir = TempDirectory()
        let out = ProcessInfo.processInfo.environment["TROVE_GOLDEN_OUT"] ?? dir.sub("golden")
        try GoldenFixture.write(to: out)
        try GoldenFixture.check(out)
        let kinds = try LocalFileSystem().list(out).compactMap { FileNames.parse($0)?.kind }.sorted()
        #expect(kinds == ["del", "seg", "seg", "wal"])
    }
}
