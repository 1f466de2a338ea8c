import Foundation
import Testing
import TroveFuzzTargets
import TroveStorage
import TroveTestSupport

/// A short run of every fuzz target inside the test suite: its committed corpus, every
/// committed crasher (each was a trap once), and a few hundred seeded mutations. The long
/// runs are `Benchmarks/fuzz/run.sh` under libFuzzer; this keeps the targets building and
/// the crashers fixed.
@Suite(.ownThread) struct FuzzSmokeTests {
    static let mutationsPerTarget = 2_000

    @Test(arguments: FuzzTargets.names)
    func corpusCrashersAndMutationsNeverTrap(target: String) throws {
        let body = try #require(FuzzTargets.all[target])
        let kind = FuzzCorpus.kind(of: target)
        let seeds = FuzzCorpus.files("corpus", kind: kind)
        #expect(!seeds.isEmpty, "no corpus for \(kind): write it with TROVE_FUZZ_CORPUS_OUT")
        let dir = TempDirectory("trove-fuzz")
        let scratch = dir.sub("input")
        for input in seeds + FuzzCorpus.files("crashers", kind: target) { body(input, scratch) }
        var rng = SplitMix64(state: UInt64(truncatingIfNeeded: target.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        for _ in 0..<Self.mutationsPerTarget where !seeds.isEmpty {
            body(Mutator.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], rng: &rng), scratch)
        }
    }

    /// The committed corpus matches what `FuzzCorpus.make` writes today, kind by kind
    /// (the engine's database is rebuilt, so its files are compared by presence only).
    @Test func theCommittedCorpusCoversEveryKind() throws {
        let made = try FuzzCorpus.make()
        if let out = ProcessInfo.processInfo.environment["TROVE_FUZZ_CORPUS_OUT"] {
            for (kind, files) in made {
                let dir = out + "/" + kind
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for (i, bytes) in files.enumerated() { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/seed-\(i)")) }
            }
        }
        for target in FuzzTargets.names {
            let kind = FuzzCorpus.kind(of: target)
            #expect(made[kind]?.isEmpty == false, "\(target) has no seeds")
            #expect(FuzzCorpus.files("corpus", kind: kind).count >= (made[kind]?.count ?? 0), "\(kind): the committed corpus is behind")
        }
    }
}

/// Byte-level mutations like a fuzzer's: flips, overwrites with boundary values,
/// truncations, insertions, duplicated runs.
enum Mutator {
    static func mutate(_ seed: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var b = seed
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            let at = b.isEmpty ? 0 : Int(rng.next() % UInt64(b.count))
            switch rng.next() % 6 {
            case 0 where !b.isEmpty: b[at] ^= UInt8(1 << (rng.next() % 8))
            case 1 where b.count >= at + 8:
                let extreme: [UInt64] = [0, 1, .max, .max >> 1, 1 << 63, 0xFFFF_FFFF, 0x8000_0000, 1 << 32]
                let v = extreme[Int(rng.next() % UInt64(extreme.count))]
                for k in 0..<(rng.next() % 2 == 0 ? 4 : 8) where at + k < b.count { b[at + k] = UInt8(truncatingIfNeeded: v >> (k * 8)) }
            case 2: b = Array(b.prefix(at))
            case 3: b.insert(contentsOf: (0..<(1 + rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 4 where !b.isEmpty:
                let n = min(b.count - at, 1 + Int(rng.next() % 64))
                b.insert(contentsOf: b[at..<(at + n)], at: at)
            default: if !b.isEmpty { b[at] = UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return b
    }
}
