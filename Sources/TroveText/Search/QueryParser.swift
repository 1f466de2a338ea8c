/// Parses the query-string language: words, `"phrases"`, `+must`, `-must_not`,
/// `field:term`, `prefix*`, `term^2` boosts. Errors name the character where parsing
/// stopped.
public enum QueryParser {
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let position: Int
        public let message: String
        /// The query is well formed but over `maximumClauses`.
        public var isLimit = false
        public var description: String { "query syntax error at character \(position + 1): \(message)" }
    }

    /// The most clauses (terms, phrases, prefixes) one query may hold: each costs a
    /// postings cursor, so an unbounded count is unbounded work.
    public static let maximumClauses = 1_024

    public static func parse(_ text: String) throws(ParseError) -> TextQuery {
        let chars = Array(text)
        var i = 0
        var must: [TextQuery] = [], should: [TextQuery] = [], mustNot: [TextQuery] = []
        while i < chars.count {
            if chars[i].isWhitespace { i += 1; continue }
            let start = i
            var occur: Character? = nil
            if chars[i] == "+" || chars[i] == "-" {
                occur = chars[i]
                i += 1
                guard i < chars.count, !chars[i].isWhitespace else { throw ParseError(position: start, message: "'\(chars[start])' must be followed by a term or phrase") }
            }
            var field: String?
            var clause: TextQuery
            if chars[i] == "\"" {
                clause = try phrase(chars, &i, field: nil)
            } else {
                var word = ""
                while i < chars.count, !chars[i].isWhitespace, chars[i] != "^", chars[i] != "\"" {
                    if chars[i] == ":" && field == nil && !word.isEmpty {
                        field = word
                        word = ""
                        i += 1
                        if i < chars.count, chars[i] == "\"" { break }
                        continue
                    }
                    word.append(chars[i])
                    i += 1
                }
                if i < chars.count, chars[i] == "\"" {
                    guard field != nil, word.isEmpty else { throw ParseError(position: i, message: "unexpected '\"' inside a word") }
                    clause = try phrase(chars, &i, field: field)
                } else {
                    guard !word.isEmpty else { throw ParseError(position: i, message: field == nil ? "empty term" : "field '\(field ?? "")' needs a term") }
                    if word.hasSuffix("*") {
                        let p = String(word.dropLast())
                        guard !p.isEmpty, !p.contains("*") else { throw ParseError(position: start, message: "a prefix needs at least one character before '*'") }
                        clause = .prefix(p, field: field, boost: 1)
                    } else {
                        guard !word.contains("*") else { throw ParseError(position: start, message: "'*' is allowed only at the end of a term") }
                        clause = .term(word, field: field, boost: 1)
                    }
                }
            }
            if i < chars.count, chars[i] == "^" {
                i += 1
                var number = ""
                while i < chars.count, chars[i].isNumber || chars[i] == "." { number.append(chars[i]); i += 1 }
                guard let boost = Float(number), boost > 0, boost.isFinite else { throw ParseError(position: i, message: "'^' must be followed by a positive number") }
                clause = clause.withBoost(boost)
            }
            if i < chars.count, !chars[i].isWhitespace { throw ParseError(position: i, message: "unexpected '\(chars[i])'") }
            guard must.count + should.count + mustNot.count < maximumClauses else {
                throw ParseError(position: start, message: "more than \(maximumClauses) clauses", isLimit: true)
            }
            switch occur {
            case "+": must.append(clause)
            case "-": mustNot.append(clause)
            default: should.append(clause)
            }
        }
        guard !must.isEmpty || !should.isEmpty else {
            throw ParseError(position: 0, message: mustNot.isEmpty ? "the query is empty" : "a query cannot consist only of excluded terms")
        }
        return .boolean(must: must, should: should, mustNot: mustNot)
    }

    private static func phrase(_ chars: [Character], _ i: inout Int, field: String?) throws(ParseError) -> TextQuery {
        let open = i
        i += 1
        var text = ""
        while i < chars.count, chars[i] != "\"" { text.append(chars[i]); i += 1 }
        guard i < chars.count else { throw ParseError(position: open, message: "unterminated phrase") }
        i += 1
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { throw ParseError(position: open, message: "empty phrase") }
        return .phrase(words, field: field, boost: 1)
    }
}

extension TextQuery {
    func withBoost(_ b: Float) -> TextQuery {
        switch self {
        case let .term(t, f, _): return .term(t, field: f, boost: b)
        case let .phrase(w, f, _): return .phrase(w, field: f, boost: b)
        case let .prefix(p, f, _): return .prefix(p, field: f, boost: b)
        case let .match(t, f, _): return .match(t, field: f, boost: b)
        case .boolean: return self
        }
    }
}
