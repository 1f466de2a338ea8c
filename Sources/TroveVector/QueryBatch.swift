/// Queries checked and prepared for a metric: cosine queries are normalised, L2 queries
/// carry their squared norms.
public struct QueryBatch: Sendable {
    public let matrix: FloatMatrix
    let norms: [Float]

    /// Validates `values` (count × dimension) and prepares them for `metric`.
    public init(values: [Float], dimension: Int, metric: VectorMetric) throws(VectorError) {
        guard dimension > 0, values.count % dimension == 0 else {
            throw .wrongDimension(expected: dimension, found: values.count % max(dimension, 1), row: values.count / max(dimension, 1))
        }
        let rows = values.count / dimension
        let prepared = try Self.prepare(values, dimension: dimension, metric: metric)
        matrix = try FloatMatrix(rows: rows, dimension: dimension, values: prepared)
        norms = metric == .l2 ? matrix.squaredNorms() : [Float](repeating: 0, count: rows)
    }

    /// One query vector.
    public init(vector: [Float], dimension: Int, metric: VectorMetric) throws(VectorError) {
        guard vector.count == dimension else { throw .wrongDimension(expected: dimension, found: vector.count, row: 0) }
        try self.init(values: vector, dimension: dimension, metric: metric)
    }

    public var count: Int { matrix.rows }

    /// Validation shared by queries and stored vectors: finite components, and for
    /// cosine a nonzero norm, after which the vector is scaled to unit length.
    static func prepare(_ values: [Float], dimension: Int, metric: VectorMetric) throws(VectorError) -> [Float] {
        let check = values.withUnsafeBufferPointer { buf in
            Result { () throws(VectorError) in try FloatMatrix.validate(buf, dimension: dimension, metric: metric) }
        }
        try check.get()
        guard metric == .cosine else { return values }
        var out = values
        for r in 0..<(values.count / dimension) {
            var norm: Float = 0
            for c in 0..<dimension { norm += out[r * dimension + c] * out[r * dimension + c] }
            let inv = 1 / norm.squareRoot()
            for c in 0..<dimension { out[r * dimension + c] *= inv }
        }
        return out
    }
}
