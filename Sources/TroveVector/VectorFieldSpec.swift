/// A vector field of a collection, as the schema declares it.
public struct VectorFieldSpec: Sendable, Equatable {
    public enum IndexKind: String, Sendable, CaseIterable { case flat, ivf, ivfSQ8 = "ivf-sq8", ivfPQ = "ivf-pq", hnsw }

    public var field: String
    public var dimension: Int
    public var metric: VectorMetric
    public var index: IndexKind
    /// IVF lists; nil picks about 4·√n when the quantizer is trained.
    public var nlist: Int?
    /// Graph parameters (HNSW only; ef_search is the default a query may override).
    public var graph: HNSWParameters
    /// Product-quantizer parameters (IVF-PQ only).
    public var codes: PQParameters
    /// IVF only: the share of rows also listed in a neighbouring list (`SpilledRows`).
    public var spill: Double

    public init(field: String, dimension: Int, metric: VectorMetric, index: IndexKind = .flat, nlist: Int? = nil, graph: HNSWParameters = .defaults,
                codes: PQParameters = .defaults, spill: Double = SpilledRows.defaultFraction) {
        self.field = field
        self.dimension = dimension
        self.metric = metric
        self.index = index
        self.nlist = nlist
        self.graph = graph
        self.codes = codes
        self.spill = spill
    }

    /// Slices per row of an IVF-PQ field: as declared, or the default for its dimension.
    public var subquantizers: Int { codes.subquantizers ?? ProductQuantizer.defaultSubquantizers(for: dimension) }

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

/// How an IVF-PQ field stores and re-ranks its rows.
public struct PQParameters: Sendable, Equatable {
    /// Bytes per row (one per slice); must divide the dimension. nil: slices of 8 components.
    public var subquantizers: Int?
    /// Candidates per hit wanted that are re-scored exactly from the float32 rows.
    public var rerank: Int

    public init(subquantizers: Int? = nil, rerank: Int = IVFIndex.defaultRerank) {
        self.subquantizers = subquantizers
        self.rerank = rerank
    }

    public static let defaults = PQParameters()
    public static let rerankRange = 1...100
}
