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
    }

    struct Stats {
        var bm25: [Int: BM25]
        var clauses: [Resolved]
        /// Per segment, per clause, per term: its dictionary entry there (nil when absent),
        /// looked up once for the document frequencies and reused for the postings.
        var infos: [[[TermInfo?]]]
    }

    /// The unflushed documents, analysed once per query: per slot, term → positions.
    struct MemoryDoc {
        var lengths: [Int: Int] = [:]
        var terms: [Int: [String: [Int]]] = [:]
    }

    static let prefixExpansionLimit = 128

    let clauses: [Clause]
    let schema: TextSchema

    init(query: TextQuery, schema: TextSchema, defaultField: String) throws {
        self.schema = schema
        var out: [Clause] = []
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
    }

    /// Terms of every disjunction only (no must, must-not or phrase): MaxScore applies.
    var isDisjunction: Bool { clauses.allSatisfy { $0.occur == .should && $0.phraseOffsets == nil } }

    func analyze(_ docs: [Document]) -> [MemoryDoc] {
        let slots = Set(clauses.map(\.slot))
        return docs.map { doc in
            var m = MemoryDoc()
            for s in slots {
                guard let text = TextValue.text(of: doc[schema.text[s].field]) else { continue }
                let tokens = schema.text[s].analyzer.tokens(text)
                m.lengths[s] = tokens.count
                var map: [String: [Int]] = [:]
                for t in tokens { map[t.term, default: []].append(t.position) }
                m.terms[s] = map
            }
            return m
        }
    }

    func statistics(indexes: [[TextSegmentIndex?]], memory: [MemoryDoc]) throws -> Stats {
        var bm25: [Int: BM25] = [:]
        for s in Set(clauses.map(\.slot)) {
            var docs = 0, tokens = 0
            for seg in indexes { if let i = seg[s] { docs += i.docsWithField; tokens += i.totalTokens } }
            for m in memory { if let l = m.lengths[s] { docs += 1; tokens += l } }
            bm25[s] = BM25(documents: docs, totalTokens: tokens)
        }
        var resolved: [Resolved] = []
        var perSegment = [[[TermInfo?]]](repeating: [], count: indexes.count)
        for c in clauses {
            var terms = c.terms
            if let prefix = c.prefix { terms = try expand(prefix, slot: c.slot, indexes: indexes, memory: memory) }
            let found = try indexes.map { seg in try terms.map { t in try seg[c.slot]?.dictionary.lookup(Array(t.utf8)) } }
            for (s, infos) in found.enumerated() { perSegment[s].append(infos) }
            let weights = terms.indices.map { t -> Float in
                var df = 0
                for infos in found { df += infos[t]?.df ?? 0 }
                for m in memory where m.terms[c.slot]?[terms[t]] != nil { df += 1 }
                return (bm25[c.slot] ?? BM25(documents: 0, totalTokens: 0)).idf(df: df) * c.boost
            }
            resolved.append(Resolved(clause: c, terms: terms, weights: weights))
        }
        return Stats(bm25: bm25, clauses: resolved, infos: perSegment)
    }

    private func expand(_ prefix: String, slot: Int, indexes: [[TextSegmentIndex?]], memory: [MemoryDoc]) throws -> [String] {
        var found = Set<String>()
        let bytes = Array(prefix.utf8)
        for seg in indexes {
            guard let i = seg[slot] else { continue }
            for (t, _) in try i.dictionary.terms(withPrefix: bytes, limit: Self.prefixExpansionLimit) { found.insert(String(decoding: t, as: UTF8.self)) }
        }
        for m in memory { for t in (m.terms[slot] ?? [:]).keys where t.hasPrefix(prefix) { found.insert(t) } }
        return Array(found.sorted().prefix(Self.prefixExpansionLimit))
    }

    /// Scores the unflushed documents exhaustively (they are few).
    func collectUnflushed(_ memory: [MemoryDoc], docs: [Document], stats: Stats, options: TextSearchOptions, basePosition: Int, into top: inout TopHits) {
        for (i, m) in memory.enumerated() {
            if let r = options.range {
                guard let v = NumericFieldSpec.columnValue(docs[i][r.field])?.0,
                      r.from.map({ v >= $0 }) ?? true, r.to.map({ v < $0 }) ?? true else { continue }
            }
            var matchedShould = false, ok = true
            var score: Float = 0
            for r in stats.clauses {
                let bm = stats.bm25[r.clause.slot] ?? BM25(documents: 0, totalTokens: 0)
                let length = Float(FieldNorms.decode(FieldNorms.encode(m.lengths[r.clause.slot] ?? 0)))
                let map = m.terms[r.clause.slot] ?? [:]
                var matched = false
                var s: Float = 0
                if let offsets = r.clause.phraseOffsets {
                    let lists = r.terms.map { map[$0] ?? [] }
                    if lists.allSatisfy({ !$0.isEmpty }), Self.phraseMatches(lists, offsets: offsets) {
                        matched = true
                        for (k, l) in lists.enumerated() { s += bm.score(weight: r.weights[k], tf: l.count, length: length) }
                    }
                } else {
                    for (k, t) in r.terms.enumerated() {
                        if let l = map[t] { matched = true; s += bm.score(weight: r.weights[k], tf: l.count, length: length) }
                    }
                }
                switch r.clause.occur {
                case .must: if !matched { ok = false } else { score += s }
                case .should: if matched { matchedShould = true; score += s }
                case .mustNot: if matched { ok = false }
                }
            }
            let hasMust = stats.clauses.contains { $0.clause.occur == .must }
            guard ok, hasMust || matchedShould else { continue }
            var key = Double(score)
            var sortValue: Int64?
            if let sort = options.sortBy {
                guard let v = NumericFieldSpec.columnValue(docs[i][sort.field])?.0 else { continue }
                sortValue = v
                key = sort.descending ? Double(v) : -Double(v)
            }
            top.push(TopHits.Entry(key: key, position: basePosition + i, score: score, sortValue: sortValue))
        }
    }

    /// Whether some start position p has every term i at p + offsets[i].
    static func phraseMatches(_ lists: [[Int]], offsets: [Int]) -> Bool {
        let rest = lists.dropFirst().map(Set.init)
        return lists[0].contains { p in rest.enumerated().allSatisfy { i, set in set.contains(p + offsets[i + 1] - offsets[0]) } }
    }
}
