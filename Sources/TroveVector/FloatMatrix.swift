/// Float storage aligned to 64 bytes, as BLAS likes it.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// `zeroed: false` leaves the memory as allocated (scratch space written before read).
    init(count: Int, zeroed: Bool = true) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        if zeroed { pointer.initialize(repeating: 0, count: max(1, count)) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}

/// Rows of float32 vectors, contiguous and row-major: owned, or borrowed from a mapped
/// segment section (kept alive by `owner`).
public struct FloatMatrix: @unchecked Sendable {
    public let rows: Int
    public let dimension: Int
    let base: UnsafePointer<Float>
    let owner: AnyObject

    /// Copies `values` (rows × dimension, row-major).
    public init(rows: Int, dimension: Int, values: [Float]) throws(VectorError) {
        guard dimension > 0 else { throw .invalidParameter("dimension must be positive") }
        guard values.count == rows * dimension else {
            throw .invalidParameter("\(values.count) values do not make \(rows) rows of \(dimension)")
        }
        let buffer = FloatBuffer(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { buffer.pointer.update(from: s, count: values.count) }
        }
        self.init(rows: rows, dimension: dimension, base: buffer.pointer, owner: buffer)
    }

    init(rows: Int, dimension: Int, base: UnsafePointer<Float>, owner: AnyObject) {
        self.rows = rows
        self.dimension = dimension
        self.base = base
        self.owner = owner
    }

    /// A new zero matrix to fill.
    static func zeros(rows: Int, dimension: Int) -> (FloatMatrix, UnsafeMutablePointer<Float>) {
        let buffer = FloatBuffer(count: rows * dimension)
        return (FloatMatrix(rows: rows, dimension: dimension, base: buffer.pointer, owner: buffer), buffer.pointer)
    }

    @inline(__always)
    public func row(_ i: Int) -> UnsafePointer<Float> { base + i * dimension }

    /// Row `i` as an array (tests, re-ranking output).
    public func rowArray(_ i: Int) -> [Float] { Array(UnsafeBufferPointer(start: row(i), count: dimension)) }

    /// A copy holding only `ids`, in that order.
    func gather(_ ids: [Int]) -> FloatMatrix {
        let (m, p) = FloatMatrix.zeros(rows: ids.count, dimension: dimension)
        for (k, id) in ids.enumerated() { (p + k * dimension).update(from: row(id), count: dimension) }
        return m
    }

    /// Squared L2 norm of every row.
    func squaredNorms() -> [Float] {
        (0..<rows).map { i in VectorMath.dot(row(i), row(i), dimension) }
    }

    /// Checks every component is finite and, for cosine, that no row is zero.
    static func validate(_ values: UnsafeBufferPointer<Float>, dimension: Int, metric: VectorMetric, firstRow: Int = 0) throws(VectorError) {
        let rows = values.count / dimension
        for r in 0..<rows {
            var norm: Float = 0
            for c in 0..<dimension {
                let v = values[r * dimension + c]
                if !v.isFinite { throw .notFinite(row: firstRow + r, component: c) }
                norm += v * v
            }
            if metric == .cosine && norm == 0 { throw .zeroVector(row: firstRow + r) }
        }
    }
}
