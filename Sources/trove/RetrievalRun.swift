import TroveEngine

/// One way of answering a retrieval benchmark's queries, named as on the command line:
/// `bm25` (match-mode text), `bm25-phrases` (query-string mode, splitting words as
/// phrases), `bm25-all` (the same, every word required), `dense` (exact vector search), `hybrid` (both, fused as the
/// engine does by default), or a named fusion:
/// `rrf[:TEXT:VECTOR]` (reciprocal rank, k 60, optional side weights),
/// `minmax:TEXT:VECTOR` or `zscore:TEXT:VECTOR` (normalised linear combination).
struct RetrievalRun: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case text
        /// The query-string language on the raw words, its syntax characters dropped: a
        /// word that splits into several tokens is a phrase there, as in Tantivy's parser.
        case textPhrases
        /// The same with every word required (`+word`): a conjunction.
        case textAll
        case vector
        /// nil: the engine's default fusion and weights.
        case hybrid(Fusion?)
    }

    let name: String
    let kind: Kind
    var textWeight: Double?
    var vectorWeight: Double?

    /// The runs `trove bench retrieval` makes when none is named.
    static let defaults = ["bm25", "bm25-phrases", "dense", "hybrid", "rrf", "rrf:2:1", "rrf:3:1", "minmax:0.5:0.5", "minmax:0.6:0.4",
                           "minmax:0.7:0.3", "zscore:0.5:0.5", "zscore:0.6:0.4"]

    init(_ spec: String) throws {
        name = spec
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "bm25" where parts.count == 1: kind = .text
        case "bm25-phrases" where parts.count == 1: kind = .textPhrases
        case "bm25-all" where parts.count == 1: kind = .textAll
        case "dense" where parts.count == 1: kind = .vector
        case "hybrid" where parts.count == 1: kind = .hybrid(nil)
        case "rrf": kind = .hybrid(.rrf)
        case "minmax": kind = .hybrid(.linear(.minMax))
        case "zscore": kind = .hybrid(.linear(.zScore))
        default: throw CLIError("--run \(spec): expected bm25, bm25-phrases, bm25-all, dense, hybrid, rrf[:T:V], minmax:T:V or zscore:T:V")
        }
        guard case .hybrid(_?) = kind, parts.count > 1 else { return }
        guard parts.count == 3, let t = Double(parts[1]), let v = Double(parts[2]), t >= 0, v >= 0, t + v > 0 else {
            throw CLIError("--run \(spec): the weights must be two non-negative numbers, not both 0 (rrf:2:1)")
        }
        textWeight = t
        vectorWeight = v
    }

    /// `text` with the query-string language's syntax characters (`"`, `^`, `:`, `*`, a
    /// leading `+` or `-`) turned into spaces, so every word is a plain clause.
    static func withoutSyntax(_ text: String) -> String {
        String(text.map { "\"^:*".contains($0) ? " " : $0 }).split(whereSeparator: \.isWhitespace).map { word in
            var w = Substring(word)
            while let first = w.first, first == "+" || first == "-" { w.removeFirst() }
            return String(w)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The engine query of this run for one benchmark query.
    func query(text: String, vector: [Float], k: Int) -> EngineQuery {
        var q = EngineQuery(limit: k)
        switch kind {
        case .text: q.text = text
        case .textPhrases:
            q.syntax = .queryString
            q.text = Self.withoutSyntax(text)
        case .textAll:
            q.syntax = .queryString
            q.text = Self.withoutSyntax(text).split(separator: " ").map { "+" + $0 }.joined(separator: " ")
        case .vector: q.vector = vector
        case .hybrid(let fusion):
            q.text = text
            q.vector = vector
            if let fusion { q.fusion = fusion }
            q.textWeight = textWeight
            q.vectorWeight = vectorWeight
        }
        return q
    }
}
