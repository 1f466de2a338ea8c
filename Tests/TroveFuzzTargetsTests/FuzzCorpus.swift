import Foundation
import TroveEngine
import TroveStorage
import TroveTestSupport

/// The seed corpus of the fuzz targets, committed under `Benchmarks/fuzz/corpus/<kind>/`:
/// files Trove itself writes (the golden fixture, and a database the engine makes with
/// text, phrase, numeric and vector sections), fixture JSON, and hand-written samples.
///
/// To write it again: `TROVE_FUZZ_CORPUS_OUT=$PWD/Benchmarks/fuzz/corpus swift test --filter FuzzSmoke`.
enum FuzzCorpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var fuzzFolder: URL { root.appendingPathComponent("Benchmarks/fuzz") }

    /// Which corpus folder a target reads (the `-crc` variants share their kind's).
    static func kind(of target: String) -> String {
        switch target {
        case "sections-crc": return "segment"
        default: return target.hasSuffix("-crc") ? String(target.dropLast(4)) : target
        }
    }

    /// The files in `Benchmarks/fuzz/<folder>/<kind>`, sorted by name.
    static func files(_ folder: String, kind: String) -> [[UInt8]] {
        let dir = fuzzFolder.appendingPathComponent(folder).appendingPathComponent(kind)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return names.compactMap { try? [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
    }

    /// Every seed by kind.
    static func make() throws -> [String: [[UInt8]]] {
        var seeds: [String: [[UInt8]]] = [:]
        let golden = root.appendingPathComponent("fixtures/golden-v1").path
        let engine = try engineDatabase()
        for folder in [golden, engine.path] {
            for name in try LocalFileSystem().list(folder) {
                let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) ?? Data())
                switch (name as NSString).pathExtension {
                case "seg": seeds["segment", default: []].append(bytes)
                case "wal" where !bytes.isEmpty: seeds["wal", default: []].append(bytes)
                case "del": seeds["delete-file", default: []].append(bytes)
                case _ where name == "MANIFEST": seeds["manifest", default: []].append(bytes)
                default: break
                }
            }
        }
        seeds["document"] = try documents().map(DocumentCodec.encode)
        let schema = [UInt8](try Data(contentsOf: root.appendingPathComponent("fixtures/messages-schema.json")))
        let messages = try String(contentsOf: root.appendingPathComponent("fixtures/sample-messages.jsonl"), encoding: .utf8).split(separator: "\n").prefix(3)
        seeds["json"] = [schema] + messages.map { Array($0.utf8) } + [Array(#"{"a": [1, -2.5e-3, true, null, "\u00e9\ud83d\ude00"], "b": {}}"#.utf8)]
        seeds["multipart"] = [Array("--fuzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--fuzz\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\ndocs\r\n--fuzz--\r\n".utf8)]
        seeds["query"] = ["otter heron", "\"the quick fox\" +marsh -snow", "title:open(2)^2 pref* foo.zip", "  - \"unbalanced", "bpo-45526 'plat' _KERNEL_SUBSYSTEM="].map { Array($0.utf8) }
        seeds["safetensors"] = [safetensors()]
        try? FileManager.default.removeItem(at: engine)
        return seeds
    }

    /// A small database the engine writes: two segments, deletes, text with positions,
    /// keywords, numbers, timestamps, a flat vector field.
    static func engineDatabase() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("trove-fuzz-seed-\(UUID().uuidString)")
        let schema = try CollectionSchema(jsonText: #"{"fields": [{"name": "text", "type": "text", "analyzer": "english", "phrases": true}, {"name": "tag", "type": "keyword"}, {"name": "n", "type": "int"}, {"name": "at", "type": "timestamp"}, {"name": "v", "type": "vector", "dimension": 4, "metric": "cosine"}]}"#)
        var options = DatabaseOptions()
        options.store.backgroundMerges = false
        let db = try Database.open(at: folder.path, options: options)
        try db.createCollection("docs", schema: schema)
        let words = ["otter", "heron", "marsh", "reed", "dawn", "tide", "open(2)", "foo.zip"]
        for round in 0..<2 {
            var batch: [DatabaseChange] = []
            for i in (round * 60)..<(round * 60 + 60) {
                let text = (0..<12).map { words[($0 * 7 + i) % words.count] }.joined(separator: " ")
                batch.append(.put(Document(id: "d\(i)", fields: [Field("text", .string(text)), Field("tag", .string("t\(i % 5)")), Field("n", .int(Int64(i))),
                                                                   Field("at", .timestamp(1_700_000_000_000_000 + Int64(i))), Field("v", .vector([1, Float(i % 3), 0.5, Float(i % 7)]))]), in: "docs"))
            }
            if round == 1 { batch += (0..<6).map { .delete(id: "d\($0 * 3)", in: "docs") } }
            try db.applySynchronously(batch, tenant: nil)
            try db.flush()
        }
        try db.close()
        return folder
    }

    static func documents() -> [Document] {
        [Document(id: "all", fields: [Field("s", .string("é😀")), Field("i", .int(.min)), Field("d", .double(-0.0)), Field("b", .bool(true)),
                                      Field("t", .timestamp(0)), Field("y", .bytes([0, 255])), Field("v", .vector([1, -1])), Field("j", .json(.array([.null, .int(1)]))),
                                      Field("z", .null)]),
         Document(id: "x", fields: [])]
    }

    /// A safetensors file with one 2×2 float32 tensor.
    static func safetensors() -> [UInt8] {
        let header = Array(#"{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}"#.utf8)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> ($0 * 8)) } + header
        for f: Float in [1, 2, 3, 4] { bytes += withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) }
        return bytes
    }
}
