/// Memory that one query's cursors point into (postings decode buffers, per-field BM25
/// length factors), freed together when the arena goes. The cursors themselves stay
/// plain values, so the scoring loops move them without reference counting. Whoever
/// creates cursors on an arena keeps the arena alive (`withExtendedLifetime`) while
/// they are used.
final class QueryArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<T>.stride,
                                                 alignment: max(MemoryLayout<T>.alignment, 16))
        allocations.append(p)
        return p.bindMemory(to: T.self, capacity: max(1, count))
    }

    /// A copy of `values` that lives as long as the arena.
    func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let p = allocate(T.self, count: values.count)
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return p
    }

    deinit { for p in allocations { p.deallocate() } }
}
