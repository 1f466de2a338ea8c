import Foundation
@testable import TroveStorage

/// A fresh folder under the system temp directory, removed when the value is released.
final class TempDirectory {
    let path: String

    init(_ label: String = "trove") {
        let base = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    func sub(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A seeded generator so test data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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

    static func options(memtableBytes: Int = 64 << 20, merges: Bool = false) -> StoreOptions {
        var o = StoreOptions()
        o.memtableBytes = memtableBytes
        o.backgroundMerges = merges
        return o
    }

    static func readFile(_ path: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func files(_ dir: String, kind: String) -> [String] {
        ((try? FileSystem.list(dir)) ?? []).filter { $0.hasSuffix("." + kind) }.map { dir + "/" + $0 }
    }
}
