import Synchronization

/// A node and its distance to the current query (lower is nearer).
struct NodeDistance {
    var distance: Float
    var node: UInt32
}

/// Which end of a `NodeHeap` is its root.
protocol NodeOrder {
    /// Whether `a` belongs nearer the root than `b`.
    static func above(_ a: NodeDistance, _ b: NodeDistance) -> Bool
}

/// Nearest at the root: the frontier still to expand.
enum NearestFirst: NodeOrder {
    @inline(__always) static func above(_ a: NodeDistance, _ b: NodeDistance) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.node < b.node)
    }
}

/// Farthest at the root: the best `ef` found so far, worst one first out.
enum FarthestFirst: NodeOrder {
    @inline(__always) static func above(_ a: NodeDistance, _ b: NodeDistance) -> Bool {
        a.distance > b.distance || (a.distance == b.distance && a.node > b.node)
    }
}

/// A binary heap over a buffer it does not reallocate per query (the scratch owns it).
struct NodeHeap<Order: NodeOrder> {
    private(set) var items: UnsafeMutablePointer<NodeDistance>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        items = .allocate(capacity: self.capacity)
    }

    func release() { items.deallocate() }

    var isEmpty: Bool { count == 0 }
    var top: NodeDistance { items[0] }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func push(_ e: NodeDistance) {
        if count == capacity { grow() }
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard Order.above(e, items[parent]) else { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = e
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> NodeDistance {
        let root = items[0]
        count -= 1
        guard count > 0 else { return root }
        let last = items[count]
        var i = 0
        while true {
            let l = 2 * i + 1
            guard l < count else { break }
            var c = l
            if l + 1 < count, Order.above(items[l + 1], items[l]) { c = l + 1 }
            guard Order.above(items[c], last) else { break }
            items[i] = items[c]
            i = c
        }
        items[i] = last
        return root
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<NodeDistance>.allocate(capacity: capacity * 2)
        bigger.update(from: items, count: count)
        items.deallocate()
        items = bigger
        capacity *= 2
    }
}

/// Per-query working memory of a graph search: a visited mark per node (a generation
/// counter, so clearing is one increment), the two heaps, and a neighbour buffer.
/// Reused through `HNSWScratchPool`, since allocating and zeroing a mark per node for
/// every query would cost more than the search on a large segment.
final class HNSWScratch: @unchecked Sendable {
    let nodes: Int
    private let marks: UnsafeMutablePointer<UInt16>
    private var generation: UInt16 = 0
    var frontier = NodeHeap<NearestFirst>(capacity: 256)
    var found = NodeHeap<FarthestFirst>(capacity: 256)
    let ids: UnsafeMutablePointer<UInt32>
    let distances: UnsafeMutablePointer<Float>

    init(nodes: Int, m: Int) {
        self.nodes = nodes
        marks = .allocate(capacity: max(1, nodes))
        marks.initialize(repeating: 0, count: max(1, nodes))
        ids = .allocate(capacity: 2 * m + 2)
        distances = .allocate(capacity: 2 * m + 2)
    }

    deinit {
        marks.deallocate()
        frontier.release()
        found.release()
        ids.deallocate()
        distances.deallocate()
    }

    /// Starts a new query: every node unvisited, heaps empty.
    func reset() {
        generation &+= 1
        if generation == 0 {
            marks.update(repeating: 0, count: nodes)
            generation = 1
        }
        frontier.removeAll()
        found.removeAll()
    }

    /// Marks `node` visited; false if it already was.
    @inline(__always)
    func visit(_ node: Int) -> Bool {
        if marks[node] == generation { return false }
        marks[node] = generation
        return true
    }
}

/// Scratch spaces for one graph, handed out to concurrent queries and returned after.
final class HNSWScratchPool: Sendable {
    private let free = Mutex<[HNSWScratch]>([])
    let nodes: Int
    let m: Int

    init(nodes: Int, m: Int) {
        self.nodes = nodes
        self.m = m
    }

    func with<T>(_ body: (HNSWScratch) -> T) -> T {
        let scratch = free.withLock { $0.popLast() } ?? HNSWScratch(nodes: nodes, m: m)
        scratch.reset()
        defer { free.withLock { $0.append(scratch) } }
        return body(scratch)
    }
}
