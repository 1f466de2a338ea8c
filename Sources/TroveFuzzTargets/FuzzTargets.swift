import Foundation
import TroveEmbed
import TroveServer
import TroveStorage
import TroveText

/// Every fuzz target by name: what libFuzzer drives in `Benchmarks/fuzz` and what the
/// smoke test replays. Each takes untrusted bytes and must never trap, hang or leak;
/// typed errors are the expected outcome for most inputs.
///
/// Targets whose reader opens a file get a scratch path to write the input to. The
/// `…-crc` variants first recompute every checksum of the input (`ChecksumRepair`), so
/// mutations get past the checksums to the value checks behind them.
public enum FuzzTargets {
    public typealias Body = @Sendable (_ input: [UInt8], _ scratch: String) -> Void

    public static let all: [String: Body] = [
        "manifest": { input, _ in StorageFuzzing.manifest(input) },
        "manifest-crc": { input, _ in StorageFuzzing.manifest(ChecksumRepair.manifest(input)) },
        "wal": { input, scratch in withFile(input, scratch) { StorageFuzzing.wal(path: $0) } },
        "wal-crc": { input, scratch in withFile(ChecksumRepair.wal(input), scratch) { StorageFuzzing.wal(path: $0) } },
        "segment": { input, scratch in withFile(input, scratch) { StorageFuzzing.segment(path: $0) } },
        "segment-crc": { input, scratch in withFile(ChecksumRepair.segment(input), scratch) { StorageFuzzing.segment(path: $0) } },
        "sections-crc": { input, scratch in withFile(ChecksumRepair.segment(input), scratch) { TextFuzzing.sections(path: $0) } },
        "delete-file": { input, scratch in withFile(input, scratch) { StorageFuzzing.deleteFile(path: $0, docCount: deleteDocs(input)) } },
        "delete-file-crc": { input, scratch in
            let fixed = ChecksumRepair.deleteFile(input)
            withFile(fixed, scratch) { StorageFuzzing.deleteFile(path: $0, docCount: deleteDocs(fixed)) }
        },
        "document": { input, _ in StorageFuzzing.document(input) },
        "json": { input, _ in StorageFuzzing.json(input) },
        "multipart": { input, _ in ServerFuzzing.multipart(input) },
        "query": { input, _ in TextFuzzing.query(input) },
        "safetensors": { input, scratch in withFile(input, scratch) { EmbedFuzzing.safetensors(path: $0) } },
    ]

    /// The names, sorted.
    public static var names: [String] { all.keys.sorted() }

    /// The document count a delete file claims (bytes 24..<32), so the reader's size
    /// check passes for inputs that agree with themselves; capped to keep runs short.
    static func deleteDocs(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 32 else { return 0 }
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[24 + $1]) << ($1 * 8) }
        return Int(min(n, 1 << 24))
    }

    /// Writes `bytes` to `path`, runs `body` with the path, removes the file.
    static func withFile(_ bytes: [UInt8], _ path: String, _ body: (String) -> Void) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        body(path)
    }
}
