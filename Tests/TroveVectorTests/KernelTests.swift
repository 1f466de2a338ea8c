import CTroveSupport
import Foundation
import Testing
import TroveJSON
import TroveStorage
import TroveTestSupport
@testable import TroveVector

@Suite struct KernelTests {
    /// Every kernel level this CPU has (AVX-512, AVX2, portable) gives the same dot
    /// products as a double-precision loop, at dimensions that are not multiples of the
    /// vector width, for contiguous rows and for rows picked by id.
    @Test func everyVectorKernelLevelMatchesADoublePrecisionLoop() {
        var rng = SplitMix64(state: 77)
        let levels = Array(0...Int(trove_vector_detected_level()))
        #expect(Int(trove_vector_level()) <= levels.last!)
        for d in [1, 3, 8, 15, 16, 17, 31, 64, 100, 384] {
            let rows = 9
            let q = (0..<d).map { _ in Float(Int(rng.next() % 2001) - 1000) / 500 }
            let base = (0..<(rows * d)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 500 }
            let want = (0..<rows).map { r in (0..<d).reduce(0.0) { $0 + Double(q[$1]) * Double(base[r * d + $1]) } }
            let ids: [UInt32] = [8, 0, 3, 3, 7]
            for level in levels {
                var out = [Float](repeating: .nan, count: rows)
                var picked = [Float](repeating: .nan, count: ids.count)
                trove_dot_rows_at(Int32(level), q, base, rows, d, &out)
                trove_dot_ids_at(Int32(level), q, base, d, ids, ids.count, &picked)
                for r in 0..<rows {
                    #expect(abs(Double(out[r]) - want[r]) <= 1e-4 * Double(d), "level \(level) d \(d) row \(r)")
                    let one = base.withUnsafeBufferPointer { trove_dot_at(Int32(level), q, $0.baseAddress! + r * d, d) }
                    #expect(abs(Double(one) - want[r]) <= 1e-4 * Double(d), "level \(level) d \(d) dot")
                }
                for (i, id) in ids.enumerated() { #expect(abs(Double(picked[i]) - want[Int(id)]) <= 1e-4 * Double(d)) }
            }
        }
    }

    @Test func scanFindsTheFirstScoreAtOrAboveTheThresholdAtEveryLength() {
        var rng = SplitMix64(state: 31)
        for n in [0, 1, 7, 8, 15, 16, 17, 33, 100, 1000] {
            let scores = (0..<n).map { _ in Float(Int(rng.next() % 1000)) / 10 }
            let norms = (0..<n).map { _ in Float(Int(rng.next() % 1000)) / 10 }
            for t: Float in [-1, 50, 99.9, 100, 250] {
                let plain = scores.firstIndex { $0 >= t } ?? n
                let l2 = scores.indices.first { 2 * scores[$0] - norms[$0] >= t } ?? n
                let got = scores.withUnsafeBufferPointer { s in trove_scan_at_least(s.baseAddress, nil, n, t) }
                let gotL2 = scores.withUnsafeBufferPointer { s in norms.withUnsafeBufferPointer { nb in trove_scan_at_least(s.baseAddress, nb.baseAddress, n, t) } }
                #expect(got == plain, "n \(n) t \(t)")
                #expect(gotL2 == l2, "l2 n \(n) t \(t)")
            }
        }
    }

    /// Without OPENBLAS_CORETYPE, an AVX-512 CPU must get OpenBLAS's AVX-512 kernels even
    /// where OpenBLAS 0.3.21 would pick Haswell (AMD Zen 4) or Prescott (Intel Sapphire
    /// Rapids, this machine on 2026-12-06), and an AVX2 CPU at least Haswell's. Runs
    /// `trove` as a child without the variable, since OpenBLAS reads it when it loads.
    @Test func avx512CPUsGetAVX512Kernels() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { flags.contains(" \($0)") }
        let avx2 = ["avx2", "fma"].allSatisfy { flags.contains(" \($0)") }
        let dir = TempDirectory()
        var data = Data()
        for i in 0..<64 {
            withUnsafeBytes(of: Int32(4).littleEndian) { data.append(contentsOf: $0) }
            for j in 0..<4 { withUnsafeBytes(of: Float(i * 4 + j).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        try data.write(to: URL(fileURLWithPath: dir.sub("v.fvecs")))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: troveExecutable())
        process.arguments = ["bench", "vector", "--base", dir.sub("v.fvecs"), "--queries", dir.sub("v.fvecs"), "--single-queries", "1", "--json"]
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "OPENBLAS_CORETYPE" }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let core = try JSONParser.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))["blas_core"]
        guard case let .string(name)? = core else { Issue.record("no blas_core in \(text)"); return }
        let avx512Cores = ["skylakex", "cooperlake", "sapphirerapids"]
        if avx512 {
            #expect(avx512Cores.contains(name.lowercased()), "AVX-512 CPU left on \(name) kernels")
        } else if avx2 {
            #expect((["haswell", "zen"] + avx512Cores).contains(name.lowercased()), "AVX2 CPU left on \(name) kernels")
        } else {
            #expect(!name.isEmpty)
        }
    }

    private func troveExecutable() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("trove").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "trove"
    }
}
