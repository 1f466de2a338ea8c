import Foundation
@_exported import TroveTestSupport
@testable import TroveStorage

enum TestData {
    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"]

    static func message(_ i: Int, rng: inout SplitMix64) -> Document {
        let text = (0..<40).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
        return Document(id: "msg-\(i)", fields: [
            Field("conversation_id", .string("conv-\(i % 37)")),
            Field("role", .string(i % 2 == 0 ? "user" : "assistant")),
            Field("text", .string(text)),
            Field("ts", .int(1_700_000_000 + Int64(i))),
        ])
    }

    /// Flushes run inline unless asked: most storage tests count segments or arm faults
    /// right after the write that fills a memtable.
    static func options(memtableBytes: Int = 64 << 20, merges: Bool = false, backgroundFlush: Bool = false) -> StoreOptions {
        var o = StoreOptions()
        o.memtableBytes = memtableBytes
        o.backgroundMerges = merges
        o.backgroundFlush = backgroundFlush
        return o
    }

    static func readFile(_ path: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func files(_ dir: String, kind: String) -> [String] {
        ((try? LocalFileSystem().list(dir)) ?? []).filter { $0.hasSuffix("." + kind) }.map { dir + "/" + $0 }
    }

    /// A database of `docs` messages in collection "m", in one segment of many blocks,
    /// closed cleanly; returns the segment's path.
    static func makeDatabase(_ path: String, docs: Int = 3000) throws -> String {
        var rng = SplitMix64(state: 5)
        let store = try Store.open(at: path, options: options())
        try store.createCollection("m")
        var batch = WriteBatch()
        for i in 0..<docs { batch.put(message(i, rng: &rng), in: "m") }
        try store.write(batch)
        try store.close()
        guard let segment = files(path, kind: "seg").first else { throw StorageError.invalidArgument("no segment was written") }
        return segment
    }
}
