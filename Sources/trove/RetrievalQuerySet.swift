import Foundation

/// One corpus line of the retrieval eval.
struct RetrievalPassage: Decodable, Sendable {
    let id: String
    let text: String
    /// Seconds since 1970 (optional).
    let ts: Int64?
}

/// One judged query: its text and the ids of every relevant passage.
struct RetrievalQuery: Decodable, Sendable {
    let qid: String
    let text: String
    let relevant: Set<String>
}

/// A named query set from `--set NAME=path.jsonl`; its vectors live beside it as `.fvecs`.
struct RetrievalQuerySet: Sendable {
    let name: String
    let path: String
    let queries: [RetrievalQuery]

    var vectorPath: String { (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + ".fvecs" }

    init(argument: String) throws {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex,
              argument[argument.index(after: eq)...].isEmpty == false else {
            throw CLIError("--set \(argument): expected NAME=queries.jsonl")
        }
        name = String(argument[..<eq])
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw CLIError("--set \(argument): the name may hold letters, digits, - and _ (it names output files)")
        }
        path = String(argument[argument.index(after: eq)...])
        queries = try Self.readLines(path)
    }

    /// Every non-blank line of a JSONL file, decoded; errors name the line.
    static func readLines<T: Decodable>(_ path: String) throws -> [T] {
        let decoder = JSONDecoder()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [T] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy(\.isWhitespace) {
            do { rows.append(try decoder.decode(T.self, from: Data(line.utf8))) } catch {
                throw CLIError("\(path):\(n + 1): not a \(T.self) line (\(error))")
            }
        }
        return rows
    }
}
