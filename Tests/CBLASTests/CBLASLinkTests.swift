import CBLAS
import Testing

/// Proves the system BLAS and LAPACKE link and compute (the vector index builds on them).
@Suite struct CBLASLinkTests {
    @Test func sgemmMultipliesRowMajorMatrices() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]        // 2×3
        let b: [Float] = [7, 8, 9, 10, 11, 12]     // 3×2
        var c = [Float](repeating: 0, count: 4)     // 2×2
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        #expect(c == [58, 64, 139, 154])
        #expect(cblas_sdot(3, a, 1, [1, 1, 1], 1) == 6)
    }

    @Test func lapackeSolvesALinearSystem() {
        var a: [Float] = [2, 1, 1, 3]  // row-major 2×2
        var b: [Float] = [3, 5]
        var pivots = [Int32](repeating: 0, count: 2)
        let info = LAPACKE_sgesv(LAPACK_ROW_MAJOR, 2, 1, &a, 2, &pivots, &b, 1)
        #expect(info == 0)
        #expect(abs(b[0] - 0.8) < 1e-5 && abs(b[1] - 1.4) < 1e-5)
    }
}
