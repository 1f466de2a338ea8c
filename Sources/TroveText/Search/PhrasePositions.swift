import TroveStorage

/// The positions one segment's phrase clauses are checked with.
/// - `lazy`: read as a forward pass reaches each document, and only for a document that
///   holds every term of the phrase and could still enter the top k (`evaluate` asks only
///   then): the two phases of a phrase.
/// - `eager`: every document's, read before a pass that visits documents out of order (the
///   windows of a sort column), where a forward reader would start over for each window.
struct PhrasePositions {
    private enum Terms {
        case lazy([PositionsReader?])
        case eager([[Int: [Int]]])
    }

    private var clauses: [Int: Terms] = [:]

    /// Throws when a phrase is asked of a field that keeps no positions.
    init(_ run: SegmentRun, eager: Bool, arena: QueryArena) throws {
        for (c, r) in run.stats.clauses.enumerated() where r.clause.phraseOffsets != nil {
            guard let index = run.indexes[r.clause.slot] else { continue }
            guard index.hasPositions else {
                throw TextSearchError.unsupported("field '\(run.plan.schema.text[r.clause.slot].field)' keeps no positions: phrase queries need them")
            }
            let infos = r.terms.indices.map { run.stats.infos[run.segment][c][$0] }
            if eager {
                clauses[c] = .eager(try infos.map { info in try info.map { try index.positions($0) } ?? [:] })
            } else {
                clauses[c] = .lazy(try infos.map { info in try info.flatMap { try PositionsReader(index, $0, arena: arena) } })
            }
        }
    }

    /// Whether phrase clause `clause` occurs in `doc`, its terms at `offsets` from each
    /// other. Lazily read documents must come in increasing order.
    mutating func matches(clause: Int, doc: Int, offsets: [Int]) throws -> Bool {
        switch clauses[clause] {
        case nil:
            return false
        case let .eager(maps):
            return QueryPlan.phraseMatches(maps.map { $0[doc] ?? [] }, offsets: offsets)
        case var .lazy(readers):
            clauses[clause] = nil  // the readers are moved out and back, not copied
            var lists: [[Int]] = []
            for i in readers.indices {
                guard readers[i] != nil else { return false }
                let list = try readers[i]?.positions(in: doc) ?? []
                if list.isEmpty { clauses[clause] = .lazy(readers); return false }
                lists.append(list)
            }
            clauses[clause] = .lazy(readers)
            return QueryPlan.phraseMatches(lists, offsets: offsets)
        }
    }
}
