import TroveStorage

/// A query resolved against a schema: its leaf clauses with the field slot, analysed
/// terms, and (after `statistics`) BM25 weights from every segment and unflushed doc.
struct QueryPlan {
    enum Occur { case must, should, mustNot }

    struct Clause {
        var occur: Occur
        var slot: Int
        var terms: [String]
        /// Relative positions of a phrase's terms; nil for "any of the terms".
        var phraseOffsets: [Int]?
        var prefix: String?
        var boost: Float
    }

    struct Resolved {
        var clause: Clause
        var terms: [String]
        var weights: [Float]
        /// Each term's idf (its weight before the boost).
        var idfs: [Float]
    }

    struct Stats {
        var bm25: [Int: BM25]
        var clauses: [Resolved]
        /// Per segment, per clause, per term: its dictionary entry there (nil when absent),
        /// looked up once for the document frequencies and reused for the postings.
        var infos: [[[TermInfo?]]]
        /// Per proximity group: the sum of its tokens' idf × boost.
        var proximityWeights: [Float] = []
        /// Per clause, flat, for the per-document loops (reading `clauses` there copies
        /// each clause's arrays): its occur, its phrase offsets, its number of terms.
        var occurs: [Occur] = []
        var phraseOffsets: [[Int]?] = []
        var isPhrase: [Bool] = []
        var termCounts: [Int] = []
    }

    /// The tokens of one word of a `match` text that splits into several (`open(2)`,
    /// `foo.zip`): found next to each other in a candidate, they add a bonus
    /// (TextSearcher+Proximity).
    struct Proximity {
        var slot: Int
        /// The match clause of each token (its single term), in token order: the group
        /// reuses the clause's idf and dictionary entries rather than looking them up again.
        var clauses: [Int]
        var offsets: [Int]
        var boost: Float
    }

    static let prefixExpansionLimit = 128
    /// Proximity groups per query at most (each costs position reads per candidate).
    static let maximumProximityGroups = 32

    let clauses: [Clause]
    let proximity: [Proximity]
    let schema: TextSchema

    init(query: TextQuery, schema: TextSchema, defaultField: String) throws {
        self.schema = schema
        var out: [Clause] = []
        var groups: [Proximity] = []
        func slot(_ field: String?) throws -> Int {
            let name = field ?? defaultField
            guard let i = schema.text.firstIndex(where: { $0.field == name }) else { throw TextSearchError.unknownField(name) }
            return i
        }
        func leaf(_ q: TextQuery, _ occur: Occur) throws {
            switch q {
            case let .term(word, field, boost):
                let s = try slot(field)
                let tokens = schema.text[s].analyzer.tokens(word)
                guard !tokens.isEmpty else { return }
                let offsets = tokens.count > 1 ? tokens.map { $0.position - tokens[0].position } : nil
                out.append(Clause(occur: occur, slot: s, terms: tokens.map(\.term), phraseOffsets: offsets, prefix: nil, boost: boost))
            case let .phrase(words, field, boost):
                let s = try slot(field)
                let tokens = schema.text[s].analyzer.tokens(words.joined(separator: " "))
                guard !tokens.isEmpty else { return }
                out.append(Clause(occur: occur, slot: s, terms: tokens.map(\.term), phraseOffsets: tokens.count > 1 ? tokens.map { $0.position - tokens[0].position } : nil, prefix: nil, boost: boost))
            case let .prefix(p, field, boost):
                let s = try slot(field)
                guard let folded = Analyzer.standard.terms(p).first else { return }
                out.append(Clause(occur: occur, slot: s, terms: [], phraseOffsets: nil, prefix: folded, boost: boost))
            case let .match(text, field, boost):
                let s = try slot(field)
                var clauseOf: [String: Int] = [:]
                for (term, count) in Self.distinctTerms(schema.text[s].analyzer.tokens(text).map(\.term)) {
                    clauseOf[term] = out.count
                    out.append(Clause(occur: occur, slot: s, terms: [term], phraseOffsets: nil, prefix: nil, boost: boost * Float(count)))
                }
                groups += Self.proximityGroups(text, slot: s, analyzer: schema.text[s].analyzer, boost: boost, clauseOf: clauseOf)
                    .prefix(Self.maximumProximityGroups - groups.count)
            case .boolean:
                throw TextSearchError.unsupported("boolean queries nest one level (use +, - and plain clauses)")
            }
        }
        switch query {
        case let .boolean(must, should, mustNot):
            for q in must { try leaf(q, .must) }
            for q in should { try leaf(q, .should) }
            for q in mustNot { try leaf(q, .mustNot) }
        default:
            try leaf(query, .should)
        }
        clauses = out
        proximity = groups
    }

    /// The words of `text` (split at white space) that analyse to several tokens, as
    /// groups with the tokens' relative positions; only the words `maximumProximityGroups`
    /// allows, so a pasted text costs no more than a short one.
    /// A word whose token has no clause (past the clause limit) makes no group.
    static func proximityGroups(_ text: String, slot: Int, analyzer: Analyzer, boost: Float, clauseOf: [String: Int]) -> [Proximity] {
        var groups: [Proximity] = []
        for word in text.split(whereSeparator: \.isWhitespace) where groups.count < maximumProximityGroups {
            let tokens = analyzer.tokens(String(word))
            let clauses = tokens.compactMap { clauseOf[$0.term] }
            guard tokens.count > 1, clauses.count == tokens.count else { continue }
            groups.append(Proximity(slot: slot, clauses: clauses, offsets: tokens.map { $0.position - tokens[0].position }, boost: boost))
        }
        return groups
    }

    /// The distinct terms of a text in first-seen order with their counts, at most
    /// `QueryParser.maximumClauses` of them (each costs a postings cursor; a pasted text
    /// with more distinct words is searched by its first ones).
    static func distinctTerms(_ terms: [String]) -> [(term: String, count: Int)] {
        var index: [String: Int] = [:]
        var out: [(term: String, count: Int)] = []
        for t in terms {
            if let i = index[t] {
                out[i].count += 1
            } else if out.count < QueryParser.maximumClauses {
                index[t] = out.count
                out.append((t, 1))
            }
        }
        return out
    }

    /// Terms of every disjunction only (no must, must-not or phrase): MaxScore applies.
    var isDisjunction: Bool { clauses.allSatisfy { $0.occur == .should && $0.phraseOffsets == nil } }

    func statistics(indexes: [[TextSegmentIndex?]]) throws -> Stats {
        var bm25: [Int: BM25] = [:]
        for s in Set(clauses.map(\.slot)) {
            var docs = 0, tokens = 0
            for seg in indexes { if let i = seg[s] { docs += i.docsWithField; tokens += i.totalTokens } }
            bm25[s] = BM25(documents: docs, totalTokens: tokens)
        }
        var resolved: [Resolved] = []
        var perSegment = [[[TermInfo?]]](repeating: [], count: indexes.count)
        for c in clauses {
            var terms = c.terms
            if let prefix = c.prefix { terms = try expand(prefix, slot: c.slot, indexes: indexes) }
            let found = try indexes.map { seg in try terms.map { t in try seg[c.slot]?.dictionary.lookup(Array(t.utf8)) } }
            for (s, infos) in found.enumerated() { perSegment[s].append(infos) }
            let idfs = terms.indices.map { t -> Float in
                var df = 0
                for infos in found { df += infos[t]?.df ?? 0 }
                return (bm25[c.slot] ?? BM25(documents: 0, totalTokens: 0)).idf(df: df)
            }
            resolved.append(Resolved(clause: c, terms: terms, weights: idfs.map { $0 * c.boost }, idfs: idfs))
        }
        var stats = Stats(bm25: bm25, clauses: resolved, infos: perSegment)
        stats.occurs = resolved.map(\.clause.occur)
        stats.phraseOffsets = resolved.map(\.clause.phraseOffsets)
        stats.isPhrase = resolved.map { $0.clause.phraseOffsets != nil }
        stats.termCounts = resolved.map(\.terms.count)
        stats.proximityWeights = proximity.map { g in g.clauses.reduce(Float(0)) { $0 + resolved[$1].idfs[0] } * g.boost }
        return stats
    }

    private func expand(_ prefix: String, slot: Int, indexes: [[TextSegmentIndex?]]) throws -> [String] {
        var found = Set<String>()
        let bytes = Array(prefix.utf8)
        for seg in indexes {
            guard let i = seg[slot] else { continue }
            for (t, _) in try i.dictionary.terms(withPrefix: bytes, limit: Self.prefixExpansionLimit) { found.insert(String(decoding: t, as: UTF8.self)) }
        }
        return Array(found.sorted().prefix(Self.prefixExpansionLimit))
    }

    /// Whether some start position p has every term i at p + offsets[i].
    static func phraseMatches(_ lists: [[Int]], offsets: [Int]) -> Bool {
        let rest = lists.dropFirst().map(Set.init)
        return lists[0].contains { p in rest.enumerated().allSatisfy { i, set in set.contains(p + offsets[i + 1] - offsets[0]) } }
    }
}
