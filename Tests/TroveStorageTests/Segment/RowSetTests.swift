import Testing
import TroveTestSupport
@testable import TroveStorage

@Suite struct RowSetTests {
    /// `next(from:)` is the first member at or after a row, for every row (and past the
    /// ends), on sets from empty to full with members on word boundaries.
    @Test func nextFindsTheFirstMemberAtOrAfterARow() {
        var rng = SplitMix64(state: 5)
        for capacity in [1, 63, 64, 65, 200, 1000] {
            for density in [0, 1, 5, 50, 100] {
                var set = RowSet(capacity: capacity)
                for r in 0..<capacity where Int(rng.next() % 100) < density { set.insert(r) }
                if density > 0 { set.insert(capacity - 1); set.insert(min(capacity - 1, 64)) }
                let members = set.members
                for row in -2...(capacity + 2) {
                    #expect(set.next(from: row) == members.first { $0 >= row }, "capacity \(capacity) density \(density) row \(row)")
                }
            }
        }
    }
}
