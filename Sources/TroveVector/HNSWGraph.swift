import TroveStorage

/// The knobs of an HNSW index, named as hnswlib names them.
public struct HNSWParameters: Sendable, Equatable {
    /// Links per node on the upper layers; the bottom layer keeps up to 2·m.
    public var m: Int
    /// Candidates kept while a node's neighbours are chosen at build time.
    public var efConstruction: Int
    /// Candidates kept while a query descends the bottom layer, when the query does not say.
    public var efSearch: Int

    /// hnswlib's documented starting point (M 16, ef_construction 200), and ef_search 128:
    /// on 200,000 real sentence embeddings it reached recall@10 0.958, where 64 gave 0.908
    /// (docs/BENCHMARKS.md, issue 18).
    public static let defaults = HNSWParameters(m: 16, efConstruction: 200, efSearch: 128)
    public static let mRange = 2...64
    public static let efRange = 1...4096

    public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 128) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
    }

    /// Refuses values the format or the search cannot honour.
    public func validate() throws(VectorError) {
        guard Self.mRange.contains(m) else { throw .invalidParameter("m must be in \(Self.mRange.lowerBound)...\(Self.mRange.upperBound), got \(m)") }
        guard Self.efRange.contains(efConstruction) else { throw .invalidParameter("ef_construction must be in 1...4096, got \(efConstruction)") }
        guard Self.efRange.contains(efSearch) else { throw .invalidParameter("ef_search must be in 1...4096, got \(efSearch)") }
    }
}

/// The links of an HNSW graph over the rows of one segment: row i is node i.
///
/// - Bottom layer: `nodes × (1 + 2m)` u32, per node a count then up to 2m neighbours.
/// - Upper layers: node i's blocks are `upper[upperStart[i] ..< upperStart[i + 1]]`, one
///   block of `1 + m` u32 (count, neighbours) per layer above the bottom, layer 1 first.
///   A node's top layer is therefore `(upperStart[i + 1] − upperStart[i]) / (1 + m)`.
///
/// Read in place from a mapped segment, or owned while a graph is built.
struct HNSWLinks: @unchecked Sendable {
    let nodes: Int
    let m: Int
    let bottom: UnsafePointer<UInt32>
    let upperStart: UnsafePointer<UInt32>
    let upper: UnsafePointer<UInt32>
    let entry: Int
    let topLayer: Int
    let owner: AnyObject

    var bottomStride: Int { 1 + 2 * m }
    var upperStride: Int { 1 + m }

    @inline(__always)
    func layers(of node: Int) -> Int { Int(upperStart[node + 1] - upperStart[node]) / upperStride }

    /// Node's neighbours on `layer` (pointer to the first, and how many).
    @inline(__always)
    func neighbours(_ node: Int, layer: Int) -> (UnsafePointer<UInt32>, Int) {
        if layer == 0 {
            let p = bottom + node * bottomStride
            return (p + 1, Int(p[0]))
        }
        let p = upper + Int(upperStart[node]) + (layer - 1) * upperStride
        return (p + 1, Int(p[0]))
    }

    /// Checks every count and neighbour id, so a graph that passed its checksum but holds
    /// wrong values is refused when opened instead of read out of bounds later.
    func validate() -> String? {
        guard nodes > 0 else { return nodes == 0 ? nil : "negative node count" }
        guard entry >= 0, entry < nodes else { return "entry point \(entry) outside \(nodes) nodes" }
        guard upperStart[0] == 0 else { return "upper layer offsets do not start at 0" }
        var top = 0
        for i in 0..<nodes {
            let a = upperStart[i], b = upperStart[i + 1]
            guard b >= a, (b - a) % UInt32(upperStride) == 0 else { return "upper layer offsets of node \(i) out of order" }
            top = max(top, Int(b - a) / upperStride)
        }
        guard top == topLayer, layers(of: entry) == topLayer else { return "entry point is not on the top layer \(topLayer)" }
        for i in 0..<nodes {
            for layer in 0...layers(of: i) {
                let (p, count) = neighbours(i, layer: layer)
                guard count <= (layer == 0 ? 2 * m : m) else { return "node \(i) has \(count) links on layer \(layer)" }
                for j in 0..<count where Int(p[j]) >= nodes || layers(of: Int(p[j])) < layer {
                    return "node \(i) links to \(p[j]), which is not on layer \(layer)"
                }
            }
        }
        return nil
    }
}

/// Owned, writable link storage for a graph being built.
final class HNSWLinkStore: @unchecked Sendable {
    let nodes: Int
    let m: Int
    let bottom: UnsafeMutablePointer<UInt32>
    let upperStart: UnsafeMutablePointer<UInt32>
    let upper: UnsafeMutablePointer<UInt32>
    let upperCount: Int

    init(layers: [Int], m: Int) {
        nodes = layers.count
        self.m = m
        bottom = .allocate(capacity: max(1, nodes * (1 + 2 * m)))
        bottom.initialize(repeating: 0, count: max(1, nodes * (1 + 2 * m)))
        upperStart = .allocate(capacity: nodes + 1)
        var total = 0
        for (i, l) in layers.enumerated() {
            upperStart[i] = UInt32(total)
            total += l * (1 + m)
        }
        upperStart[nodes] = UInt32(total)
        upperCount = total
        upper = .allocate(capacity: max(1, total))
        upper.initialize(repeating: 0, count: max(1, total))
    }

    deinit {
        bottom.deallocate()
        upperStart.deallocate()
        upper.deallocate()
    }

    /// The start of node's list on `layer`: the count, then the neighbours.
    @inline(__always)
    func list(_ node: Int, layer: Int) -> UnsafeMutablePointer<UInt32> {
        layer == 0 ? bottom + node * (1 + 2 * m) : upper + Int(upperStart[node]) + (layer - 1) * (1 + m)
    }

    func links(entry: Int, topLayer: Int) -> HNSWLinks {
        HNSWLinks(nodes: nodes, m: m, bottom: bottom, upperStart: upperStart, upper: upper, entry: entry, topLayer: topLayer, owner: self)
    }

    /// The three arrays as they are written to a segment (docs/FORMAT.md, `VG`/`VU`/`VP`).
    func encoded() -> (bottom: [UInt8], upperStart: [UInt8], upper: [UInt8]) {
        func bytes(_ p: UnsafePointer<UInt32>, _ n: Int) -> [UInt8] {
            var w = ByteWriter(capacity: n * 4)
            for i in 0..<n { w.u32(p[i]) }
            return w.bytes
        }
        return (bytes(bottom, nodes * (1 + 2 * m)), bytes(upperStart, nodes + 1), bytes(upper, upperCount))
    }
}
