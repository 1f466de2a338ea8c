import CTroveSupport
import Foundation
import Synchronization
import TroveStorage

/// Builds an HNSW graph (Malkov & Yashunin) over prepared rows, on several lanes at once.
///
/// Each node's top layer is drawn up front from a seeded generator (−ln U · 1/ln m), so the
/// link storage is laid out once. Node 0 is inserted alone; the rest are handed out from a
/// shared counter. A lane reads a neighbour list by copying it under that node's spin lock
/// and rewrites it under the same lock, so lanes only wait for each other on one list at a
/// time. Neighbours are chosen with the paper's heuristic (a candidate is kept only if it
/// is nearer the node than to every neighbour already kept), at most m on insertion; a
/// list that overflows (m above the bottom, 2m on it) is pruned with the same heuristic.
final class HNSWBuilder: @unchecked Sendable {
    let space: HNSWSpace
    let parameters: HNSWParameters
    let store: HNSWLinkStore
    let topLayers: [Int]
    private let locks: UnsafeMutablePointer<UInt8>
    private let next = Atomic<Int>(1)
    private let top = Mutex<(entry: Int, layer: Int)>((0, 0))

    init(space: HNSWSpace, parameters: HNSWParameters, seed: UInt64) {
        self.space = space
        self.parameters = parameters
        var rng = SplitMix64(state: seed)
        let scale = 1 / log(Double(max(2, parameters.m)))
        topLayers = (0..<space.rows.rows).map { _ in
            let u = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300)
            return min(Int(-log(u) * scale), 16)
        }
        store = HNSWLinkStore(layers: topLayers, m: parameters.m)
        locks = .allocate(capacity: max(1, space.rows.rows))
        locks.initialize(repeating: 0, count: max(1, space.rows.rows))
    }

    deinit { locks.deallocate() }

    /// Builds the graph and returns its links.
    static func build(_ rows: FloatMatrix, metric: VectorMetric, norms: [Float]?, parameters: HNSWParameters, seed: UInt64 = 1234, threads: Int) -> HNSWLinks {
        let normBuffer = norms.map { n -> FloatBuffer in
            let b = FloatBuffer(count: n.count, zeroed: false)
            n.withUnsafeBufferPointer { if let base = $0.baseAddress { b.pointer.update(from: base, count: n.count) } }
            return b
        }
        let space = HNSWSpace(rows: rows, metric: metric, norms: normBuffer.map { UnsafePointer($0.pointer) })
        let builder = HNSWBuilder(space: space, parameters: parameters, seed: seed)
        let links = withExtendedLifetime(normBuffer) { builder.run(threads: threads) }
        return links
    }

    private func run(threads: Int) -> HNSWLinks {
        let n = space.rows.rows
        guard n > 0 else { return store.links(entry: 0, topLayer: 0) }
        top.withLock { $0 = (0, topLayers[0]) }
        VectorMath.parallel(max(1, min(threads, n))) { _ in
            let scratch = HNSWScratch(nodes: n, m: parameters.m)
            while true {
                let node = next.add(1, ordering: .relaxed).oldValue
                guard node < n else { return }
                scratch.reset()
                insert(node, scratch: scratch)
            }
        }
        let (entry, layer) = top.withLock { $0 }
        return store.links(entry: entry, topLayer: layer)
    }

    private func insert(_ node: Int, scratch: HNSWScratch) {
        let level = topLayers[node]
        let (entry, topLayer) = top.withLock { $0 }
        let q = space.rows.row(node)
        let qNorm = space.norms?[node] ?? 0
        var current = NodeDistance(distance: space.distance(node, entry), node: UInt32(entry))
        if topLayer > level {
            for layer in stride(from: topLayer, to: level, by: -1) {
                current = HNSWTraversal.greedy(q, queryNorm: qNorm, from: current, layer: layer, space: space, links: self, scratch: scratch)
            }
        }
        for layer in stride(from: min(level, topLayer), through: 0, by: -1) {
            scratch.reset()
            HNSWTraversal.search(q, queryNorm: qNorm, from: current, ef: parameters.efConstruction, layer: layer, space: space, links: self, scratch: scratch)
            var candidates: [NodeDistance] = []
            candidates.reserveCapacity(scratch.found.count)
            while !scratch.found.isEmpty { candidates.append(scratch.found.pop()) }
            candidates.reverse()
            candidates.removeAll { Int($0.node) == node }
            guard let nearest = candidates.first else { continue }
            let chosen = select(candidates, keep: parameters.m)
            link(node, to: chosen, layer: layer)
            for c in chosen { linkBack(Int(c.node), to: node, distance: c.distance, layer: layer) }
            current = nearest
        }
        if level > topLayer {
            top.withLock { if level > $0.layer { $0 = (node, level) } }
        }
    }

    /// The paper's heuristic: from candidates sorted nearest first, keep one only if it is
    /// nearer the base than to every one already kept.
    private func select(_ candidates: [NodeDistance], keep: Int) -> [NodeDistance] {
        var kept: [NodeDistance] = []
        kept.reserveCapacity(keep)
        for c in candidates {
            if kept.count >= keep { break }
            var good = true
            for k in kept where space.distance(Int(c.node), Int(k.node)) < c.distance {
                good = false
                break
            }
            if good { kept.append(c) }
        }
        return kept
    }

    /// Writes `node`'s own list on `layer`. Another lane may already have linked back to
    /// `node` there (it found `node` on a layer above and descended through it), so those
    /// links are kept beside the chosen ones rather than overwritten: dropping them lost
    /// about 7 of 3,000 nodes to unreachability on two lanes, against 0–2 on one.
    func link(_ node: Int, to chosen: [NodeDistance], layer: Int) {
        let cap = layer == 0 ? 2 * parameters.m : parameters.m
        trove_spin_lock(locks + node)
        defer { trove_spin_unlock(locks + node) }
        let list = store.list(node, layer: layer)
        var all = chosen
        for i in 0..<Int(list[0]) {
            let other = list[1 + i]
            if Int(other) != node, !all.contains(where: { $0.node == other }) {
                all.append(NodeDistance(distance: space.distance(node, Int(other)), node: other))
            }
        }
        if all.count > cap {
            all.sort { NearestFirst.above($0, $1) }
            all = select(all, keep: cap)
        }
        list[0] = UInt32(all.count)
        for (i, c) in all.enumerated() { list[1 + i] = c.node }
    }

    /// Adds `node` to `neighbour`'s list, pruning the list with the heuristic when full.
    private func linkBack(_ neighbour: Int, to node: Int, distance: Float, layer: Int) {
        let cap = layer == 0 ? 2 * parameters.m : parameters.m
        trove_spin_lock(locks + neighbour)
        defer { trove_spin_unlock(locks + neighbour) }
        let list = store.list(neighbour, layer: layer)
        let count = Int(list[0])
        for i in 0..<count where Int(list[1 + i]) == node { return }
        if count < cap {
            list[1 + count] = UInt32(node)
            list[0] = UInt32(count + 1)
            return
        }
        var all = [NodeDistance(distance: distance, node: UInt32(node))]
        for i in 0..<count {
            let other = Int(list[1 + i])
            all.append(NodeDistance(distance: space.distance(neighbour, other), node: UInt32(other)))
        }
        all.sort { NearestFirst.above($0, $1) }
        let kept = select(all, keep: cap)
        list[0] = UInt32(kept.count)
        for (i, c) in kept.enumerated() { list[1 + i] = c.node }
    }
}

extension HNSWBuilder: HNSWNeighbourSource {
    @inline(__always)
    func neighbours(of node: Int, layer: Int, into out: UnsafeMutablePointer<UInt32>) -> Int {
        trove_spin_lock(locks + node)
        let list = store.list(node, layer: layer)
        let count = Int(list[0])
        out.update(from: list + 1, count: count)
        trove_spin_unlock(locks + node)
        return count
    }
}
