import Testing
@testable import TroveChat

@Suite struct LRUCacheTests {
    @Test func theLeastRecentlyUsedEntryIsEvictedFirst() {
        let cache = LRUCache<String, Int>(capacity: 3)
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("c", 3)
        #expect(cache.keys == ["c", "b", "a"])
        cache.put("d", 4)
        #expect(cache.count == 3)
        #expect(cache.keys == ["d", "c", "b"])
        #expect(cache.get("a") == nil)
        #expect(cache.get("b") == 2)
    }

    @Test func getMakesAnEntryRecentlyUsed() {
        let cache = LRUCache<String, Int>(capacity: 3)
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("c", 3)
        #expect(cache.get("a") == 1)
        cache.put("d", 4)
        #expect(cache.contains("a"))
        #expect(!cache.contains("b"))
        #expect(cache.keys == ["d", "a", "c"])
    }

    @Test func puttingAnExistingKeyReplacesItsValueWithoutEvicting() {
        let cache = LRUCache<String, Int>(capacity: 2)
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("a", 10)
        #expect(cache.count == 2)
        #expect(cache.keys == ["a", "b"])
        cache.put("c", 3)
        #expect(cache.keys == ["c", "a"])
        #expect(cache.get("a") == 10)
    }

    @Test func capacityOneKeepsOnlyTheLastPut() {
        let cache = LRUCache<Int, String>(capacity: 1)
        cache.put(1, "one")
        cache.put(2, "two")
        #expect(cache.count == 1)
        #expect(cache.get(1) == nil)
        #expect(cache.get(2) == "two")
        let clamped = LRUCache<Int, Int>(capacity: 0)
        #expect(clamped.capacity == 1)
        clamped.put(1, 1)
        #expect(clamped.get(1) == 1)
    }

    @Test func removeKeepsTheOrderOfTheRest() {
        let cache = LRUCache<Int, Int>(capacity: 5)
        for i in 1...5 { cache.put(i, i * 10) }
        #expect(cache.remove(3) == 30)
        #expect(cache.remove(3) == nil)
        #expect(cache.keys == [5, 4, 2, 1])
        #expect(cache.remove(5) == 50)
        #expect(cache.remove(1) == 10)
        #expect(cache.keys == [4, 2])
        cache.put(6, 60)
        cache.put(7, 70)
        cache.put(8, 80)
        cache.put(9, 90)
        #expect(cache.keys == [9, 8, 7, 6, 4])
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.keys.isEmpty)
        #expect(cache.get(9) == nil)
        cache.put(1, 1)
        #expect(cache.keys == [1])
    }

    @Test func statsCountHitsAndMisses() {
        let cache = LRUCache<String, Int>(capacity: 2)
        #expect(cache.stats.hits == 0)
        #expect(cache.stats.misses == 0)
        _ = cache.get("a")
        cache.put("a", 1)
        _ = cache.get("a")
        _ = cache.get("a")
        _ = cache.contains("b")
        #expect(cache.stats.hits == 2)
        #expect(cache.stats.misses == 1)
    }

    @Test func aRefusedValueIsRemovedAndCountsAsAMiss() {
        let cache = LRUCache<String, Int>(capacity: 2)
        cache.put("old", 1)
        cache.put("new", 2)
        #expect(cache.get("old", where: { $0 > 1 }) == nil)
        #expect(!cache.contains("old"))
        #expect(cache.get("new", where: { $0 > 1 }) == 2)
        #expect(cache.stats.hits == 1)
        #expect(cache.stats.misses == 1)
    }

    /// Random operations against a plain array kept in recency order: catches link and
    /// slot bookkeeping mistakes that short scripted tests miss.
    @Test func matchesASimpleModelUnderRandomOperations() {
        let capacity = 7
        let cache = LRUCache<Int, Int>(capacity: capacity)
        var model: [(key: Int, value: Int)] = []  // most recent first
        var random = SeededRandom(seed: 42)
        for step in 0..<5000 {
            let key = Int(random.next() % 12)
            switch random.next() % 4 {
            case 0, 1:
                cache.put(key, step)
                model.removeAll { $0.key == key }
                model.insert((key, step), at: 0)
                if model.count > capacity { model.removeLast() }
            case 2:
                var expected: Int?
                if let i = model.firstIndex(where: { $0.key == key }) {
                    let entry = model.remove(at: i)
                    expected = entry.value
                    model.insert(entry, at: 0)
                }
                #expect(cache.get(key) == expected)
            default:
                var expected: Int?
                if let i = model.firstIndex(where: { $0.key == key }) { expected = model.remove(at: i).value }
                #expect(cache.remove(key) == expected)
            }
            #expect(cache.keys == model.map(\.key), "step \(step)")
            if cache.keys != model.map(\.key) { return }
        }
    }

    @Test func concurrentUseKeepsTheCountWithinCapacity() async {
        let capacity = 50
        let cache = LRUCache<Int, Int>(capacity: capacity)
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var random = SeededRandom(seed: UInt64(task))
                    var withinCapacity = true
                    for step in 0..<2000 {
                        let key = Int(random.next() % 200)
                        switch random.next() % 3 {
                        case 0: cache.put(key, step)
                        case 1: _ = cache.get(key)
                        default: cache.remove(key)
                        }
                        if cache.count > capacity { withinCapacity = false }
                    }
                    return withinCapacity
                }
            }
            for await ok in group { #expect(ok) }
        }
        let keys = cache.keys
        #expect(cache.count <= capacity)
        #expect(keys.count == cache.count)
        #expect(Set(keys).count == keys.count)
        for key in keys { #expect(cache.contains(key)) }
    }
}

/// A small seeded generator so that random tests repeat exactly.
private struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
