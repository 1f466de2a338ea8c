import CTroveSupport

/// Where a traversal reads a node's neighbours: the mapped graph of a segment, or the
/// graph being built (which copies under the node's lock, since other lanes rewrite lists).
protocol HNSWNeighbourSource {
    /// Copies node's neighbours on `layer` into `out`; returns how many.
    func neighbours(of node: Int, layer: Int, into out: UnsafeMutablePointer<UInt32>) -> Int
}

extension HNSWLinks: HNSWNeighbourSource {
    @inline(__always)
    func neighbours(of node: Int, layer: Int, into out: UnsafeMutablePointer<UInt32>) -> Int {
        let (p, count) = neighbours(node, layer: layer)
        out.update(from: p, count: count)
        return count
    }
}

/// The two steps of every HNSW search, at build time and at query time.
enum HNSWTraversal {
    /// Greedy descent on one upper layer: moves to the nearest neighbour until none is nearer.
    static func greedy<S: HNSWNeighbourSource>(
        _ q: UnsafePointer<Float>, queryNorm: Float, from start: NodeDistance, layer: Int,
        space: HNSWSpace, links: S, scratch: HNSWScratch
    ) -> NodeDistance {
        var best = start
        var moved = true
        while moved {
            moved = false
            let count = links.neighbours(of: Int(best.node), layer: layer, into: scratch.ids)
            space.distances(q, queryNorm: queryNorm, ids: scratch.ids, count: count, into: scratch.distances)
            for i in 0..<count where scratch.distances[i] < best.distance {
                best = NodeDistance(distance: scratch.distances[i], node: scratch.ids[i])
                moved = true
            }
        }
        return best
    }

    /// Best-first search of one layer keeping the `ef` nearest nodes in `scratch.found`
    /// (farthest at the root). With `allowed`, every node is walked through but only
    /// allowed ones are kept, and the walk goes on until `ef` of them are found or the
    /// frontier runs out; the caller falls back to an exact scan for selective filters.
    static func search<S: HNSWNeighbourSource>(
        _ q: UnsafePointer<Float>, queryNorm: Float, from start: NodeDistance, ef: Int, layer: Int,
        space: HNSWSpace, links: S, scratch: HNSWScratch, allowed: ((Int) -> Bool)? = nil
    ) {
        var frontier = scratch.frontier
        var found = scratch.found
        defer { scratch.frontier = frontier; scratch.found = found }
        _ = scratch.visit(Int(start.node))
        frontier.push(start)
        if allowed?(Int(start.node)) ?? true { found.push(start) }
        while !frontier.isEmpty {
            let current = frontier.top
            if found.count >= ef, current.distance > found.top.distance { break }
            frontier.pop()
            let count = links.neighbours(of: Int(current.node), layer: layer, into: scratch.ids)
            var fresh = 0
            for i in 0..<count where scratch.visit(Int(scratch.ids[i])) {
                scratch.ids[fresh] = scratch.ids[i]
                fresh += 1
            }
            guard fresh > 0 else { continue }
            space.distances(q, queryNorm: queryNorm, ids: scratch.ids, count: fresh, into: scratch.distances)
            for i in 0..<fresh {
                let d = scratch.distances[i]
                guard found.count < ef || d < found.top.distance else { continue }
                let e = NodeDistance(distance: d, node: scratch.ids[i])
                frontier.push(e)
                guard allowed?(Int(e.node)) ?? true else { continue }
                found.push(e)
                if found.count > ef { found.pop() }
            }
        }
    }
}
