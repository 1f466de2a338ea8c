import TroveStorage
import Foundation

/// A trained coarse quantizer: the centroids that split the space into `nlist` cells.
public struct IVFQuantizer: Sendable {
    public let centroids: FloatMatrix
    public let metric: VectorMetric
    /// How many vectors the segment it was trained on held; a segment written with 4×
    /// as many (a merge, typically a compaction of the whole collection) retrains.
    public let trainedOn: Int
    /// IVF-PQ: the product quantizer (with its OPQ rotation) of the rows' residuals from
    /// their centroids. Trained once with the centroids and reused like them.
    public let residualCodes: ProductQuantizer?

    public var nlist: Int { centroids.rows }

    /// About 4·√n lists, FAISS's usual choice.
    public static func defaultNlist(for n: Int) -> Int { max(1, Int((4 * Double(n).squareRoot()).rounded())) }

    /// Trains on at most 256 × nlist rows drawn from `data` (prepared for the metric).
    /// With `subquantizers`, also learns the residuals' product quantizer and rotation
    /// (IVF-PQ), on the same sample.
    public static func train(_ data: FloatMatrix, nlist: Int, metric: VectorMetric, subquantizers: Int? = nil, seeding: KMeansSeeding = .random,
                             iterations: Int = KMeans.defaultIterations, seed: UInt64 = 1234, threads: Int = 2) -> IVFQuantizer {
        var rng = SplitMix64(state: seed)
        let sample = data.rows > 256 * nlist ? data.gather(KMeans.sample(data.rows, 256 * nlist, rng: &rng)) : data
        let c = KMeans.train(sample, k: nlist, metric: metric, iterations: iterations, seeding: seeding, seed: seed, threads: threads)
        let coarse = IVFQuantizer(centroids: c, metric: metric, trainedOn: data.rows, residualCodes: nil)
        guard let m = subquantizers else { return coarse }
        let pq = OPQTraining.train(coarse.residuals(sample, lists: coarse.assign(sample, threads: threads)), subquantizers: m, threads: threads)
        return IVFQuantizer(centroids: c, metric: metric, trainedOn: data.rows, residualCodes: pq)
    }

    init(centroids: FloatMatrix, metric: VectorMetric, trainedOn: Int, residualCodes: ProductQuantizer? = nil) {
        self.centroids = centroids
        self.metric = metric
        self.trainedOn = trainedOn
        self.residualCodes = residualCodes
    }

    /// Each row minus its list's centroid.
    func residuals(_ data: FloatMatrix, lists: [Int32]) -> FloatMatrix {
        let d = data.dimension
        let (out, p) = FloatMatrix.zeros(rows: data.rows, dimension: d)
        for i in 0..<data.rows {
            let x = data.row(i), c = centroids.row(Int(lists[i]))
            for j in 0..<d { p[i * d + j] = x[j] - c[j] }
        }
        return out
    }

    /// The list of every row: nearest centroid by the index's metric.
    func assign(_ data: FloatMatrix, threads: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: data.rows)
        KMeans.assign(data, to: centroids, metric: metric == .l2 ? .l2 : .innerProduct, into: &out, threads: threads)
        return out
    }
}

/// Inverted-file index: vectors grouped by their nearest centroid, each list stored
/// contiguously; a query scans the `nprobe` lists whose centroids score best. With SQ8
/// the lists hold one byte per component and the best candidates are re-scored from
/// the float32 rows. With a product quantizer (IVF-PQ) the lists hold each row's residual
/// from its centroid as `subquantizers` bytes, scored by table lookup, and the best
/// `rerank × k` candidates are re-scored from the float32 rows, which stay on disk
/// (mapped) and are read only for those candidates. Filters are applied inside the scan; when the allowed set is small
/// (or the probed lists hold fewer than k allowed rows) the search is exact over the
/// allowed rows instead, so a filtered query returns k hits whenever k exist.
public struct IVFIndex: Sendable {
    public let quantizer: IVFQuantizer
    public let dimension: Int
    /// Start of each list in list order (`nlist + 1` entries).
    let offsets: [Int]
    /// Id of each row in list order.
    let ids: [Int32]
    /// float32 rows in list order (scanned without SQ8, re-ranked with it).
    let rows: FloatMatrix
    let norms: [Float]
    /// Position in list order of each id (for re-ranking and exact fallback).
    let positionOfID: [Int32]
    let sq8: ScalarQuantizer?
    let codes: [UInt8]
    /// IVF-PQ: the quantizer, each row's codes in list order, and (L2) the squared norm
    /// of each row's reconstruction, which L2 scores need.
    let pq: ProductQuantizer?
    let pqCodes: [UInt8]
    let pqNorms: [Float]
    /// IVF-PQ: candidates re-scored exactly per hit wanted.
    public var rerank: Int
    /// Rows listed a second time in a neighbouring list (plain IVF only; IVFSpill.swift).
    let spill: SpilledRows?

    /// Lists probed when a query does not say: 16 (about 3% of the lists at 100,000
    /// vectors), where recall@10 on clustered data stays at or above 0.95.
    public static let defaultNprobe = 16

    public var metric: VectorMetric { quantizer.metric }
    public var count: Int { ids.count }
    public var nlist: Int { quantizer.nlist }
    public var usesSQ8: Bool { sq8 != nil }
    public var usesPQ: Bool { pq != nil }

    /// Candidates per hit re-scored exactly when a query does not say: 10, which on
    /// 384-d sentence embeddings with 48-byte codes brings recall@10 close to the float
    /// scan's at the same nprobe (docs/BENCHMARKS.md).
    public static let defaultRerank = 10

    /// Bytes the index keeps in memory, leaving out float32 rows that only re-ranking
    /// reads (IVF-PQ): centroids, lists, ids, codes, norms and the trained quantizers.
    public var memoryBytes: Int {
        let shared = 4 * centroidsCount + 8 * offsets.count + 4 * ids.count + 4 * positionOfID.count + 4 * norms.count + (spill?.memoryBytes ?? 0)
        if let pq { return shared + pqCodes.count + 4 * pqNorms.count + pq.trainedBytes }
        return shared + codes.count + (sq8 == nil ? 4 * rows.rows * rows.dimension : 8 * dimension + 4 * rows.rows * rows.dimension)
    }

    private var centroidsCount: Int { quantizer.centroids.rows * quantizer.centroids.dimension }

    /// Builds the lists for `data` (prepared for the metric; row i has id i). IVF-PQ when
    /// the quantizer carries residual codes. Without codes (SQ8 or PQ), `spill` lists that
    /// share of the rows a second time (`SpilledRows`).
    public init(data: FloatMatrix, quantizer: IVFQuantizer, sq8: Bool = false, rerank: Int = IVFIndex.defaultRerank,
                spill: Double = SpilledRows.defaultFraction, threads: Int = 2) {
        let list = quantizer.assign(data, threads: threads)
        var offsets = [Int](repeating: 0, count: quantizer.nlist + 1)
        for l in list { offsets[Int(l) + 1] += 1 }
        for i in 0..<quantizer.nlist { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var ids = [Int32](repeating: 0, count: data.rows)
        for (row, l) in list.enumerated() {
            ids[fill[Int(l)]] = Int32(row)
            fill[Int(l)] += 1
        }
        let ordered = data.gather(ids.map(Int.init))
        var quantizerSQ: ScalarQuantizer?
        var codes: [UInt8] = []
        if sq8 {
            let q = ScalarQuantizer(training: ordered)
            codes = [UInt8](repeating: 0, count: data.rows * data.dimension)
            codes.withUnsafeMutableBufferPointer { out in
                for i in 0..<ordered.rows { q.encode(ordered.row(i), into: out.baseAddress! + i * data.dimension) }
            }
            quantizerSQ = q
        }
        var pqCodes: [UInt8] = [], pqNorms: [Float] = []
        if let pq = quantizer.residualCodes {
            let listOfPosition = (0..<quantizer.nlist).flatMap { l in [Int32](repeating: Int32(l), count: offsets[l + 1] - offsets[l]) }
            (pqCodes, pqNorms) = quantizer.encodeResiduals(ordered, lists: listOfPosition, with: pq, threads: threads)
        }
        let spilled = sq8 || quantizer.residualCodes != nil ? nil
            : SpilledRows.choose(ordered, listOffsets: offsets, centroids: quantizer.centroids, fraction: spill, threads: threads)
        self.init(quantizer: quantizer, offsets: offsets, ids: ids, rows: ordered, sq8: quantizerSQ, codes: codes,
                  pqCodes: pqCodes, pqNorms: pqNorms, rerank: rerank, spill: spilled)
    }

    init(quantizer: IVFQuantizer, offsets: [Int], ids: [Int32], rows: FloatMatrix, norms: [Float]? = nil, sq8: ScalarQuantizer?, codes: [UInt8],
         pqCodes: [UInt8] = [], pqNorms: [Float] = [], rerank: Int = IVFIndex.defaultRerank, spill: SpilledRows? = nil) {
        self.quantizer = quantizer
        self.dimension = rows.dimension
        self.offsets = offsets
        self.ids = ids
        self.rows = rows
        self.norms = quantizer.metric == .l2 ? (norms ?? rows.squaredNorms()) : []
        var pos = [Int32](repeating: -1, count: Int(ids.max() ?? -1) + 1)
        for (p, id) in ids.enumerated() { pos[Int(id)] = Int32(p) }
        self.positionOfID = pos
        self.sq8 = sq8
        self.codes = codes
        self.pq = pqCodes.isEmpty ? nil : quantizer.residualCodes
        self.pqCodes = pqCodes
        self.pqNorms = pqNorms
        self.rerank = max(1, rerank)
        self.spill = spill
    }

    /// Candidates kept per query before exact re-ranking (SQ8 and PQ).
    func candidates(for k: Int) -> Int {
        if pq != nil { return max(k, rerank * k) }
        return sq8 == nil ? k : max(4 * k + 16, 32)
    }
}
