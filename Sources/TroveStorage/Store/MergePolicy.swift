/// Which segments to merge next. Tiered: segments are grouped by size into tiers a factor
/// `mergeFactor` apart (starting at 1 MiB); when a tier holds `mergeFactor` segments, up
/// to 10 of its smallest are merged. A segment more than half deleted is merged alone to
/// reclaim its space.
struct MergePolicy {
    let mergeFactor: Int

    struct Plan: Equatable {
        let collection: UInt32
        let segments: [UInt64]
    }

    func next(in state: StoreState) -> Plan? {
        for c in state.collections.values.sorted(by: { $0.id < $1.id }) {
            if let plan = plan(for: c) { return plan }
        }
        return nil
    }

    private func plan(for c: CollectionState) -> Plan? {
        if let sparse = c.segments.first(where: { $0.deletes.count * 2 > $0.reader.docCount }) {
            return Plan(collection: c.id, segments: [sparse.reader.number])
        }
        var tiers: [Int: [LiveSegment]] = [:]
        for s in c.segments { tiers[tier(of: s), default: []].append(s) }
        for t in tiers.keys.sorted() {
            guard let members = tiers[t], members.count >= mergeFactor else { continue }
            let chosen = members.sorted { $0.reader.map.count < $1.reader.map.count }.prefix(10)
            return Plan(collection: c.id, segments: chosen.map(\.reader.number))
        }
        return nil
    }

    private func tier(of s: LiveSegment) -> Int {
        var size = Double(s.reader.map.count) * Double(s.liveCount) / Double(max(1, s.reader.docCount))
        var t = 0
        while size >= Double(1 << 20) {
            size /= Double(mergeFactor)
            t += 1
        }
        return t
    }
}
