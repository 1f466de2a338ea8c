import CZstd

/// A zstd dictionary trained on a segment's own documents. Small blocks (kept small for
/// fast reads by id) compress nearly as well as large ones once the vocabulary and field
/// names they share live in the dictionary. Stored as the segment's `ZDIC` section.
public final class ZstdDictionary: @unchecked Sendable {
    /// Dictionary size asked of the trainer.
    static let capacity = 64 << 10
    /// Below this many sample bytes no dictionary is trained (it would not pay).
    static let minimumSamples = 256 << 10

    public let bytes: [UInt8]
    let compression: OpaquePointer?
    let decompression: OpaquePointer

    /// Trains a dictionary on `samples` (whole document encodings); nil when there is too
    /// little to learn from or the trainer declines.
    static func train(samples: [[UInt8]], level: Int32) -> ZstdDictionary? {
        let total = samples.reduce(0) { $0 + $1.count }
        guard total >= minimumSamples, samples.count >= 100 else { return nil }
        var joined = [UInt8]()
        joined.reserveCapacity(total)
        for s in samples { joined.append(contentsOf: s) }
        let sizes = samples.map { $0.count }
        var dict = [UInt8](repeating: 0, count: capacity)
        let n = dict.withUnsafeMutableBytes { d in
            joined.withUnsafeBytes { s in
                sizes.withUnsafeBufferPointer { z in
                    Self.trainer(d.baseAddress, capacity, s.baseAddress, z.baseAddress, UInt32(samples.count))
                }
            }
        }
        guard ZDICT_isError(n) == 0, n > 0 else { return nil }
        return ZstdDictionary(bytes: Array(dict[0..<n]), level: level)
    }

    /// fastCover with fixed parameters (segment size k 1,024, d-mers of 8), trained on
    /// every sample once. `ZDICT_trainFromBuffer` searches k over several trainings and
    /// test compressions: about 1.4 s of a 200,000-document import, for dictionaries
    /// that made the segments 1% smaller (docs/BENCHMARKS.md, issue 20).
    private static func trainer(_ dict: UnsafeMutableRawPointer?, _ capacity: Int, _ samples: UnsafeRawPointer?,
                                _ sizes: UnsafePointer<Int>?, _ count: UInt32) -> Int {
        var p = ZDICT_fastCover_params_t()
        p.k = 1024
        p.d = 8
        p.f = 20
        p.accel = 1
        p.splitPoint = 1.0
        return ZDICT_trainFromBuffer_fastCover(dict, capacity, samples, sizes, count, p)
    }

    /// Loads a stored dictionary for decompression (and compression when `level` is given).
    init?(bytes: [UInt8], level: Int32?) {
        self.bytes = bytes
        guard let d = bytes.withUnsafeBytes({ ZSTD_createDDict($0.baseAddress, $0.count) }) else { return nil }
        decompression = d
        if let level {
            compression = bytes.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) }
        } else {
            compression = nil
        }
    }

    /// The same dictionary, ready to compress at `level` too: how a merge compresses a
    /// rebuilt block with the dictionary of the segment its documents came from.
    func forCompression(level: Int32) -> ZstdDictionary? {
        ZstdDictionary(bytes: bytes, level: level)
    }

    deinit {
        ZSTD_freeDDict(decompression)
        if let compression { ZSTD_freeCDict(compression) }
    }
}
