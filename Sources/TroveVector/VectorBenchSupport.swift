/// Figures the benchmark prints next to its own: the machine's sgemm throughput.
public enum VectorBenchSupport {
    /// The OpenBLAS kernel family in use ("SkylakeX", "Haswell", ...).
    public static var blasCore: String { VectorMath.blasCore }

    /// The vector kernels' level: "avx512", "avx2" or "scalar".
    public static var kernelLevel: String { VectorMath.kernelLevel }

    /// GFLOP/s of `threads` concurrent single-threaded sgemm calls (1000×d by d×20000),
    /// the ceiling for batch flat search on this machine.
    public static func sgemmPeak(dimension: Int, threads: Int) -> Double {
        let lanes = max(1, threads)
        var rates = [Double](repeating: 0, count: lanes)
        rates.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            VectorMath.parallel(lanes) { lane in out[lane] = VectorMath.measureGemmPeak(dimension: dimension) }
        }
        return rates.reduce(0, +)
    }
}
