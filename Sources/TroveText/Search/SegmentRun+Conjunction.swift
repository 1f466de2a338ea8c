/// Queries with required clauses (`+must`, or a lone phrase) visit only the documents that
/// hold every required clause: the required cursors leapfrog to a common document, as
/// Lucene's conjunction does, skipping runs of blocks whose score bounds cannot beat the
/// k-th score, and the optional and excluded cursors are moved to that document alone.
/// The exhaustive pass visits every document any cursor holds; both judge and score a
/// document the same way (`evaluate`), so they agree exactly. A
/// phrase's positions are read only for documents that hold all its terms and could
/// still enter the top k (`PhrasePositions`, lazily).
extension SegmentRun {
    /// What must hold for a document to match: groups of cursor indexes, each group
    /// satisfied when any of its cursors is on the document (a phrase's terms are groups
    /// of one, so all of them are needed). nil when no clause is required (a disjunction:
    /// MaxScore's case); empty when a required clause cannot match in this segment.
    func requiredGroups(_ cursors: [TermCursor]) -> [[Int]]? {
        let occurs = stats.clauses.map(\.clause.occur)
        var required = occurs.indices.filter { occurs[$0] == .must }
        if required.isEmpty {
            let should = occurs.indices.filter { occurs[$0] == .should }
            guard should.count == 1 else { return nil }
            required = should
        }
        var groups: [[Int]] = []
        for c in required {
            let mine = cursors.indices.filter { cursors[$0].clause == c }
            if stats.clauses[c].clause.phraseOffsets != nil {
                // Every term of a phrase is needed; one this segment lacks has no cursor.
                guard mine.count == stats.clauses[c].terms.count else { return [] }
                groups += mine.map { [$0] }
            } else {
                guard !mine.isEmpty else { return [] }
                groups.append(mine)
            }
        }
        return groups
    }

    func conjunction(_ cursors: inout [TermCursor], groups: [[Int]], phrases: inout PhrasePositions, into top: inout TopHits) throws {
        guard !groups.isEmpty else { return }
        let grouped = Set(groups.joined())
        let scoring = cursors.indices.filter { stats.occurs[cursors[$0].clause] != .mustNot }
        var target = 0
        // The blocks' bound was last found to beat `checked.limit` up to `checked.end`: no
        // need to look again there until the k-th score rises.
        var checked: (end: Int, limit: Float) = (-1, 0)
        while true {
            guard let doc = try agree(&cursors, groups: groups, from: target) else { return }
            let limit = MaxScoreWindows.limit(top.threshold)
            if top.isFull, doc > checked.end || limit != checked.limit {
                switch blockSkip(from: doc, &cursors, scoring: scoring, limit: limit) {
                case let .skip(past): target = past; continue
                case let .competitive(end): checked = (end, limit)
                }
            }
            for i in cursors.indices where !grouped.contains(i) { try cursors[i].postings.advance(to: doc) }
            if accept?(doc) ?? true, let entry = try evaluate(doc, cursors, &phrases, top: top) { top.push(entry) }
            target = doc + 1
        }
    }

    private enum BlockVerdict {
        /// Nothing before this document can beat the limit.
        case skip(to: Int)
        /// A document up to this one might.
        case competitive(through: Int)
    }

    /// Block-max skipping, as Lucene's block-max conjunction: from `doc` to the end of the
    /// first of the scoring cursors' current blocks to end, no document scores more than
    /// the sum of those blocks' bounds. When that sum cannot beat `limit`, skip past that
    /// end (to Int.max when every cursor is done).
    private func blockSkip(from doc: Int, _ cursors: inout [TermCursor], scoring: [Int], limit: Float) -> BlockVerdict {
        var bound: Float = 0
        var end = Int.max
        for i in scoring {
            let b = cursors[i].postings.blockContaining(doc)
            guard b < cursors[i].postings.blocks else { continue }
            bound += cursors[i].cachedBlockScore(b)
            end = min(end, cursors[i].postings.lastDoc(ofBlock: b))
        }
        guard bound <= limit else { return .competitive(through: end) }
        return .skip(to: end == Int.max ? Int.max : end + 1)
    }

    /// The first document ≥ `target` on which every group has a cursor, or nil.
    func agree(_ cursors: inout [TermCursor], groups: [[Int]], from target: Int) throws -> Int? {
        var target = target
        var agreed = false
        while !agreed {
            agreed = true
            for g in groups {
                var doc = Int.max
                for i in g {
                    try cursors[i].postings.advance(to: target)
                    doc = min(doc, cursors[i].doc)
                }
                if doc == Int.max { return nil }
                if doc > target {
                    target = doc
                    agreed = false
                }
            }
        }
        return target
    }
}
