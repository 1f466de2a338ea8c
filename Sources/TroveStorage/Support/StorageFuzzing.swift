import Foundation
import TroveJSON

/// Entry points for the fuzz targets (`Benchmarks/fuzz`) and their smoke test: each reads
/// untrusted bytes the way the store does and walks everything it finds. A typed error is
/// a pass; only a trap, a hang or a leak is a finding. Public only so the fuzz harness,
/// which cannot see internals, can reach the readers.
public enum StorageFuzzing {
    /// The manifest decoder, then every count it returned.
    public static func manifest(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { raw in
            try? Manifest.decode(raw, path: "fuzz").collections.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.docCount } }
        }
    }

    /// A log file at `path` scanned as the newest log, every logged batch decoded.
    public static func wal(path: String) {
        _ = try? WALReader.scan(path: path, expectedNumber: nil, isNewest: true) { _, payload, _ in
            _ = try EncodedOperation.decodePayload(payload)
        }
    }

    /// A delete file at `path` read for segment 2 of `docCount` documents.
    public static func deleteFile(path: String, docCount: Int) {
        _ = try? DeleteFile.read(path: path, segment: 2, docCount: docCount)
    }

    /// A segment at `path`: opened, every document decoded through the block index, every
    /// id looked up again.
    public static func segment(path: String) {
        guard let reader = try? SegmentReader(path: path, number: 2, cache: BlockCache(capacityBytes: 1 << 20)) else { return }
        var ids: [String] = []
        try? reader.forEachEncoded { _, bytes in
            ids.append(try DocumentCodec.decode(bytes).id)
            return ids.count < 100_000
        }
        for id in ids.prefix(64) { _ = try? reader.ordinal(of: id) }
        for ordinal in [0, reader.docCount - 1, reader.docCount] { _ = try? reader.document(at: ordinal) }
    }

    /// One document encoding decoded, and its JSON form written.
    public static func document(_ bytes: [UInt8]) {
        guard let doc = try? DocumentCodec.decode(bytes) else { return }
        _ = JSONWriter.string(DocumentJSON.json(from: doc))
    }

    /// JSON parsed, and written back when it parses.
    public static func json(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        _ = JSONWriter.string(value)
    }
}
