import CBLAS
import CTroveSupport
import Dispatch

/// The BLAS calls Trove uses, and small SIMD kernels.
enum VectorMath {
    /// Set once per process, before the first BLAS call: the AVX-512 kernels when
    /// OpenBLAS misdetected the CPU (see CTroveSupport/blas_core.c), and one BLAS thread,
    /// since Trove splits work across cores itself (shards of rows, merged heaps), which
    /// keeps selection parallel too.
    private static let singleThreaded: Void = trove_blas_setup()

    /// The kernel family OpenBLAS uses, for benchmark reports.
    static var blasCore: String {
        _ = singleThreaded
        return String(cString: trove_blas_core_name())
    }

    /// C (m×n) = A (m×k, row-major, lda) · Bᵀ where B is n×k row-major (ldb).
    @inline(__always)
    static func gemmNT(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// C (m×n) = op(A) · op(B), all row-major, where op transposes when asked: A is m×k
    /// (k×m transposed), B is k×n (n×k transposed). For the rotation and Procrustes steps.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// Dot product at the CPU's kernel level (AVX-512, AVX2 or portable; CTroveSupport).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        trove_dot(a, b, n)
    }

    /// y[i] = q · row i for `rows` contiguous rows: one query against many rows, bound by
    /// memory, so four rows share each load of q and rows are prefetched ahead. Faster
    /// than sgemv for one query (OpenBLAS's sgemv does not prefetch across rows).
    @inline(__always)
    static func dotRows(_ q: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension: Int, into y: UnsafeMutablePointer<Float>) {
        trove_dot_rows(q, rows, count, dimension, y)
    }

    /// The vector kernel level in force, for benchmark reports.
    static var kernelLevel: String {
        switch trove_vector_level() {
        case 2: "avx512"
        case 1: "avx2"
        default: "scalar"
        }
    }

    /// Runs `body(lane)` for `lanes` lanes on as many threads.
    static func parallel(_ lanes: Int, _ body: @Sendable (Int) -> Void) {
        if lanes <= 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: lanes, execute: body)
    }

    /// Splits `0..<n` into `parts` contiguous ranges.
    static func split(_ n: Int, _ parts: Int) -> [Range<Int>] {
        let p = max(1, min(parts, max(1, n)))
        return (0..<p).map { i in (n * i / p)..<(n * (i + 1) / p) }
    }

    /// Measured single-thread sgemm throughput in GFLOP/s (1000×d by d×20000).
    static func measureGemmPeak(dimension d: Int) -> Double {
        let m = 1000, n = 20000
        let (a, _) = FloatMatrix.zeros(rows: m, dimension: d)
        let (b, _) = FloatMatrix.zeros(rows: n, dimension: d)
        let c = FloatBuffer(count: m * n)
        var best = Double.infinity
        for _ in 0..<6 {
            let start = DispatchTime.now().uptimeNanoseconds
            gemmNT(m: m, n: n, k: d, a: a.base, lda: d, b: b.base, ldb: d, c: c.pointer, ldc: n)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return 2 * Double(m) * Double(n) * Double(d) / best / 1e9
    }
}
