import CTroveSupport

/// A product quantizer behind an orthogonal rotation (OPQ): a vector is rotated (x·R),
/// cut into `subquantizers` slices of `dimension / subquantizers` components, and each
/// slice is stored as the one-byte number of its nearest of 256 codewords. A row costs
/// `subquantizers` bytes instead of 4·dimension.
///
/// Scores are asymmetric: the query stays in float32, and its dot product with every
/// codeword is tabulated once (`lookupTable`), so a row's score is `subquantizers` table
/// lookups. The rotation preserves dot products and distances, and is learned so that the
/// slices quantize well (`OPQTraining`).
public struct ProductQuantizer: Sendable {
    public let dimension: Int
    public let subquantizers: Int
    /// `subquantizers × 256` codewords of `subdimension` floats, slice-major.
    let codebooks: FloatMatrix
    /// The d × d orthogonal rotation R, row-major; a vector is rotated as x·R.
    let rotation: FloatMatrix

    public static let codewords = 256

    public var subdimension: Int { dimension / subquantizers }

    /// Bytes the quantizer itself holds: codebooks and rotation.
    public var trainedBytes: Int { 4 * (codebooks.rows * codebooks.dimension + dimension * dimension) }

    init(codebooks: FloatMatrix, rotation: FloatMatrix, subquantizers: Int) {
        self.dimension = rotation.dimension
        self.subquantizers = subquantizers
        self.codebooks = codebooks
        self.rotation = rotation
    }

    /// The usual choice: slices of 8 components (48 bytes for a 384-d vector, 1/32 of its
    /// float32 size); when 8 does not divide d, the largest divisor of d not above d/8.
    public static func defaultSubquantizers(for dimension: Int) -> Int {
        let target = max(1, dimension / 8)
        return (1...target).reversed().first { dimension % $0 == 0 } ?? 1
    }

    /// Whether `m` slices fit a `dimension`-d vector.
    public static func valid(subquantizers m: Int, dimension: Int) -> Bool {
        m >= 1 && m <= dimension && dimension % m == 0
    }

    /// Rows rotated: data · R.
    func rotate(_ data: FloatMatrix) -> FloatMatrix {
        let (out, p) = FloatMatrix.zeros(rows: data.rows, dimension: dimension)
        guard data.rows > 0 else { return out }
        VectorMath.gemm(transposeA: false, transposeB: false, m: data.rows, n: dimension, k: dimension,
                        a: data.base, lda: dimension, b: rotation.base, ldb: dimension, c: p, ldc: dimension)
        return out
    }

    /// The codes of already-rotated rows: `subquantizers` bytes per row, row after row.
    func encode(rotated data: FloatMatrix, threads: Int) -> [UInt8] {
        let m = subquantizers
        var codes = [UInt8](repeating: 0, count: data.rows * m)
        var nearest = [Int32](repeating: 0, count: data.rows)
        for j in 0..<m {
            KMeans.assign(Self.slice(data, j, of: m), to: codebook(j), metric: .l2, into: &nearest, threads: threads)
            for i in 0..<data.rows { codes[i * m + j] = UInt8(truncatingIfNeeded: nearest[i]) }
        }
        return codes
    }

    /// Rotated reconstructions of `rows` rows of codes.
    func decode(_ codes: UnsafePointer<UInt8>, rows: Int) -> FloatMatrix {
        let (out, p) = FloatMatrix.zeros(rows: rows, dimension: dimension)
        let m = subquantizers, ds = subdimension
        for i in 0..<rows {
            for j in 0..<m {
                let word = codebooks.row(j * Self.codewords + Int(codes[i * m + j]))
                (p + i * dimension + j * ds).update(from: word, count: ds)
            }
        }
        return out
    }

    /// The query's dot product with every codeword (`subquantizers × 256` floats), from
    /// the unrotated query: rotated here once.
    func lookupTable(_ query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        let rotated = FloatBuffer(count: dimension, zeroed: false)
        VectorMath.gemm(transposeA: false, transposeB: false, m: 1, n: dimension, k: dimension,
                        a: query, lda: dimension, b: rotation.base, ldb: dimension, c: rotated.pointer, ldc: dimension)
        let ds = subdimension
        for j in 0..<subquantizers {
            VectorMath.dotRows(rotated.pointer + j * ds, rows: codebooks.row(j * Self.codewords), count: Self.codewords,
                               dimension: ds, into: table + j * Self.codewords)
        }
    }

    /// Codebook of slice `j`: 256 rows of `subdimension`.
    func codebook(_ j: Int) -> FloatMatrix {
        FloatMatrix(rows: Self.codewords, dimension: subdimension, base: codebooks.row(j * Self.codewords), owner: codebooks.owner)
    }

    /// Columns `j·d/m ..< (j+1)·d/m` of every row, as a contiguous matrix.
    static func slice(_ data: FloatMatrix, _ j: Int, of m: Int) -> FloatMatrix {
        let ds = data.dimension / m
        let (out, p) = FloatMatrix.zeros(rows: data.rows, dimension: ds)
        for i in 0..<data.rows { (p + i * ds).update(from: data.row(i) + j * ds, count: ds) }
        return out
    }
}
