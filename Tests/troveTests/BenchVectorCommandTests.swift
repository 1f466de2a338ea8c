import Foundation
import Testing
import TroveJSON
import TroveStorage

@Suite struct BenchVectorCommandTests {
    private func writeFvecs(_ path: String, rows: Int, d: Int, seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        var data = Data()
        for _ in 0..<rows {
            withUnsafeBytes(of: Int32(d).littleEndian) { data.append(contentsOf: $0) }
            for _ in 0..<d {
                let x = Float(Int64(rng.next() % 2001) - 1000) / 1000
                withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func flatAndIVFReportJSONAndPerQueryResults() throws {
        let dir = TempDirectory()
        try writeFvecs(dir.sub("base.fvecs"), rows: 3000, d: 24, seed: 1)
        try writeFvecs(dir.sub("q.fvecs"), rows: 20, d: 24, seed: 2)
        let flat = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs"), "--metric", "l2",
                                "--index", "flat", "--k", "5", "--single-queries", "5", "--out", dir.sub("flat.jsonl"), "--json"])
        #expect(flat.status == 0, "\(flat.stderr)")
        let summary = try JSONParser.parse(flat.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["n"] == .int(3000) && summary["d"] == .int(24) && summary["queries"] == .int(20))
        guard case let .array(results)? = summary["results"], case let .double(qps)? = results.first?["batch_qps"] else {
            Issue.record("no results"); return
        }
        #expect(qps > 0)
        #expect(results.first?["recall"] == .double(1))
        let lines = try String(contentsOfFile: dir.sub("flat.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20)
        let first = try JSONParser.parse(String(lines[0]))
        guard case let .array(ids)? = first["ids"], case let .array(scores)? = first["scores"] else { Issue.record("bad line"); return }
        #expect(ids.count == 5 && scores.count == 5)
        // The ids are the exact neighbours of query 0 (checked here in Double precision).
        let base = try VectorFilesReader.rows(dir.sub("base.fvecs")), q0 = try VectorFilesReader.rows(dir.sub("q.fvecs"))[0]
        let want = base.indices.sorted { a, b in
            let da = zip(base[a], q0).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            let db = zip(base[b], q0).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            return da < db || (da == db && a < b)
        }.prefix(5)
        #expect(ids == want.map { .int(Int64($0)) })

        let ivf = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs"), "--metric", "l2",
                               "--index", "ivf-sq8", "--nlist", "16", "--nprobe", "1,16", "--k", "5", "--single-queries", "5", "--json"])
        #expect(ivf.status == 0, "\(ivf.stderr)")
        let s2 = try JSONParser.parse(ivf.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case let .array(r2)? = s2["results"] else { Issue.record("no results"); return }
        #expect(r2.count == 2)
        #expect(r2.last?["recall"] == .double(1))  // every list probed: exact after re-ranking

        let pq = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs"), "--metric", "l2",
                              "--index", "ivf-pq", "--nlist", "16", "--nprobe", "16", "--pq-m", "6", "--rerank", "1,30",
                              "--k", "5", "--single-queries", "5", "--json"])
        #expect(pq.status == 0, "\(pq.stderr)")
        let s3 = try JSONParser.parse(pq.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case let .array(r3)? = s3["results"], case let .int(bytes)? = s3["index_bytes"], case let .int(floats)? = s3["float_bytes"],
              case let .double(coarse)? = r3.first?["recall"], case let .double(fine)? = r3.last?["recall"] else {
            Issue.record("ivf-pq output: \(pq.stdout)"); return
        }
        #expect(r3.count == 2 && r3.last?["rerank"] == .int(30) && s3["pq_m"] == .int(6))
        #expect(fine >= coarse && fine >= 0.95, "recall \(coarse) → \(fine)")
        #expect(bytes * 2 < floats)
        let odd = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs"), "--index", "ivf-pq", "--pq-m", "7"])
        #expect(odd.status != 0 && odd.stderr.contains("divide"))
    }

    /// `--allow-window N`: every hit is among the last ⌈n/N⌉ rows, recall is against the
    /// exact top k of those rows, and the two filters do not combine.
    @Test func aTimeWindowFilterKeepsTheLastRows() throws {
        let dir = TempDirectory()
        try writeFvecs(dir.sub("base.fvecs"), rows: 3000, d: 16, seed: 3)
        try writeFvecs(dir.sub("q.fvecs"), rows: 10, d: 16, seed: 4)
        let run = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs"), "--metric", "ip",
                               "--index", "ivf", "--nlist", "16", "--nprobe", "16", "--k", "5", "--single-queries", "5",
                               "--allow-window", "7", "--out", dir.sub("hits.jsonl"), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONParser.parse(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case let .array(results)? = summary["results"] else { Issue.record("no results: \(run.stdout)"); return }
        #expect(summary["allow_window"] == .int(7) && results.first?["recall"] == .double(1))
        let lines = try String(contentsOfFile: dir.sub("hits.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        for line in lines {
            guard case let .array(ids)? = try JSONParser.parse(String(line))["ids"] else { Issue.record("bad line"); continue }
            #expect(ids.count == 5 && ids.allSatisfy { ($0.intValue ?? -1) >= 3000 - 429 })
        }
        let both = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs"), "--allow-every", "2", "--allow-window", "2"])
        #expect(both.status != 0 && both.stderr.contains("do not combine"))
    }

    @Test func badInputIsAClearError() throws {
        let dir = TempDirectory()
        try writeFvecs(dir.sub("base.fvecs"), rows: 10, d: 8, seed: 1)
        try writeFvecs(dir.sub("q.fvecs"), rows: 2, d: 6, seed: 2)
        let mismatch = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("q.fvecs")])
        #expect(mismatch.status != 0)
        #expect(mismatch.stderr.contains("dimension"))
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir.sub("bad.fvecs")))
        let garbage = try CLI.run(["bench", "vector", "--base", dir.sub("bad.fvecs"), "--queries", dir.sub("q.fvecs")])
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("bad.fvecs"))
        let metric = try CLI.run(["bench", "vector", "--base", dir.sub("base.fvecs"), "--queries", dir.sub("base.fvecs"), "--metric", "hamming"])
        #expect(metric.status != 0)
    }
}

/// Reads .fvecs rows back for reference computations in tests.
enum VectorFilesReader {
    static func rows(_ path: String) throws -> [[Float]] {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var rows: [[Float]] = []
        var p = 0
        while p + 4 <= data.count {
            let d = Int(UInt32(data[p]) | UInt32(data[p + 1]) << 8 | UInt32(data[p + 2]) << 16 | UInt32(data[p + 3]) << 24)
            p += 4
            rows.append((0..<d).map { j in
                let b = p + 4 * j
                return Float(bitPattern: UInt32(data[b]) | UInt32(data[b + 1]) << 8 | UInt32(data[b + 2]) << 16 | UInt32(data[b + 3]) << 24)
            })
            p += 4 * d
        }
        return rows
    }
}
