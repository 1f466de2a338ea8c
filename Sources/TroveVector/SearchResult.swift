/// One hit: a row id (0-based, in the order vectors were added) and its score.
public struct VectorHit: Sendable, Equatable {
    public var id: Int
    public var score: Float

    public init(id: Int, score: Float) {
        self.id = id
        self.score = score
    }

    /// Whether `self` ranks before `other`: higher score first, then lower id.
    @inline(__always)
    func ranksBefore(_ other: VectorHit) -> Bool {
        score > other.score || (score == other.score && id < other.id)
    }
}

/// The best `k` hits seen so far: a bounded heap whose root is the worst kept hit, so a
/// candidate is usually rejected with one comparison against `threshold`.
struct TopK {
    let k: Int
    private(set) var heap: [VectorHit] = []
    /// The worst kept score once full; -infinity before.
    private(set) var threshold: Float = -.infinity

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    var isFull: Bool { heap.count >= k }

    @inline(__always)
    mutating func push(id: Int, score: Float) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(VectorHit(id: id, score: score))
            siftUp(heap.count - 1)
            if heap.count == k { threshold = heap[0].score }
            return
        }
        let candidate = VectorHit(id: id, score: score)
        guard candidate.ranksBefore(heap[0]) else { return }
        heap[0] = candidate
        siftDown(0)
        threshold = heap[0].score
    }

    mutating func merge(_ other: TopK) {
        for h in other.heap { push(id: h.id, score: h.score) }
    }

    /// The kept hits, best first.
    func sorted() -> [VectorHit] {
        heap.sorted { $0.ranksBefore($1) }
    }

    // The root is the hit that ranks last.
    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[parent].ranksBefore(heap[i]) else { return }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var worst = i
            if l < n, heap[worst].ranksBefore(heap[l]) { worst = l }
            if r < n, heap[worst].ranksBefore(heap[r]) { worst = r }
            if worst == i { return }
            heap.swapAt(i, worst)
            i = worst
        }
    }
}
