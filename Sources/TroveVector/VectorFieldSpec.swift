/// A vector field of a collection, as the schema declares it.
public struct VectorFieldSpec: Sendable, Equatable {
    public enum IndexKind: String, Sendable, CaseIterable { case flat, ivf, ivfSQ8 = "ivf-sq8", hnsw }

    public var field: String
    public var dimension: Int
    public var metric: VectorMetric
    public var index: IndexKind
    /// IVF lists; nil picks about 4·√n when the quantizer is trained.
    public var nlist: Int?
    /// Graph parameters (HNSW only; ef_search is the default a query may override).
    public var graph: HNSWParameters

    public init(field: String, dimension: Int, metric: VectorMetric, index: IndexKind = .flat, nlist: Int? = nil, graph: HNSWParameters = .defaults) {
        self.field = field
        self.dimension = dimension
        self.metric = metric
        self.index = index
        self.nlist = nlist
        self.graph = graph
    }

    /// Vector fields per collection (section tags carry a two-digit slot).
    public static let maximumFields = 100

    /// Fewest vectors worth training an IVF quantizer or building a graph on; below it a
    /// segment stays flat (an exact scan of so few rows is as fast, and exact).
    public static let minimumTrainingVectors = 1000

    /// Checks a vector for this field: dimension, finite components, nonzero for cosine.
    public func validate(_ vector: [Float]) throws(VectorError) {
        guard vector.count == dimension else { throw .wrongDimension(expected: dimension, found: vector.count, row: 0) }
        let check = vector.withUnsafeBufferPointer { buf in
            Result { () throws(VectorError) in try FloatMatrix.validate(buf, dimension: dimension, metric: metric) }
        }
        try check.get()
    }
}
