/// The best `k` candidates by key (higher first), ties to the earlier position: a
/// position orders all documents (segments in order, then unflushed ones), so the result
/// is the same whether or not pruning skipped anything.
struct TopHits {
    struct Entry {
        var key: Double
        var position: Int
        var score: Float
        var sortValue: Int64?
    }

    let k: Int
    private(set) var heap: [Entry] = []

    init(k: Int) { self.k = k }

    var isFull: Bool { heap.count >= k }
    /// The key a candidate must beat (strictly, since later positions lose ties).
    var threshold: Double { isFull ? heap[0].key : -.infinity }

    /// Whether an entry with this key at this position would be kept now.
    @inline(__always)
    func admits(key: Double, position: Int) -> Bool {
        guard k > 0 else { return false }
        guard isFull else { return true }
        return key > heap[0].key || (key == heap[0].key && position < heap[0].position)
    }

    @inline(__always)
    static func before(_ a: Entry, _ b: Entry) -> Bool { a.key > b.key || (a.key == b.key && a.position < b.position) }

    mutating func push(_ e: Entry) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(e)
            var i = heap.count - 1
            while i > 0, Self.before(heap[(i - 1) / 2], heap[i]) { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
            return
        }
        guard Self.before(e, heap[0]) else { return }
        heap[0] = e
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var worst = i
            if l < heap.count, Self.before(heap[worst], heap[l]) { worst = l }
            if r < heap.count, Self.before(heap[worst], heap[r]) { worst = r }
            if worst == i { return }
            heap.swapAt(i, worst)
            i = worst
        }
    }

    func sorted() -> [Entry] { heap.sorted(by: Self.before) }
}
