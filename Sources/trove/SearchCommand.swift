import ArgumentParser
import Foundation
import TroveEngine
import TroveJSON
import TroveStorage
import TroveText
import TroveVector

/// Text, vector and hybrid search over any collection with an engine schema.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search a collection by text, vector or both, with filters, time ranges and sorting.",
        discussion: """
            Without --text or a vector, lists the documents the filters allow. A tenant-scoped collection needs --tenant.
            --from/--to take an integer as stored, or a UTC date or date-time (2026-11-21, 2026-11-21T08:00:00Z).
            The cursor of the next page is printed on standard error; pass it to --after.
            """)

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection.") var collection: String
    @Option(help: "The query text. Any text by default (its words OR-ed); with --syntax query_string: words, \"phrases\", +must, -not, field:term, prefix*, term^2.") var text: String?
    @Option(help: "How --text reads: match (any text) or query_string.") var syntax: QuerySyntax = .match
    @Option(help: "The tenant (required on a tenant-scoped collection).") var tenant: String?
    @Option(help: "A query vector as a JSON array: \"[0.1, 0.2, ...]\".") var vector: String?
    @Option(help: "A query vector in a .npy (float32, one row) or .fvecs file.") var vectorFile: String?
    @Option(help: "field=value keeps documents whose keyword equals value; field=a|b any of them (repeatable).") var filter: [String] = []
    @Option(help: "Only documents whose time field is at least this.") var from: String?
    @Option(help: "Only documents whose time field is below this.") var to: String?
    @Option(help: "The field of --from/--to and --sort time (default: the first timestamp or numeric field).") var timeField: String?
    @Option(help: "score, time (newest first), FIELD (ascending) or -FIELD (descending; write --sort=-FIELD).") var sort = "score"
    @Option(help: "Hits to print.") var k = 10
    @Option(help: "The cursor printed by the previous page.") var after: String?
    @Flag(help: "Print only how many documents match.") var count = false
    @Flag(help: "Print JSON lines with id, score, snippet and the document.") var json = false

    func run() async throws {
        let db = try Database.open(at: database.db, options: .cliReadOnly())
        defer { try? db.close() }
        let schema: CollectionSchema
        do { schema = try db.schema(of: collection) } catch EngineError.noSchema {
            throw CLIError("collection '\(collection)' has no schema: import it with --text-field NAME, or create it with `trove collection create`")
        }
        let query = try makeQuery(schema)
        if count {
            print(try await db.count(query, in: collection, tenant: tenant))
            return
        }
        let page = try await db.search(query, in: collection, tenant: tenant)
        try printHits(page.hits, schema: schema)
        if let cursor = page.cursor { printError("next page: --after \(cursor)") }
        if page.hits.isEmpty && !json { printError("no hits") }
    }

    private func makeQuery(_ schema: CollectionSchema) throws -> EngineQuery {
        var q = EngineQuery(text: text, vector: try queryVector(), limit: k)
        q.syntax = syntax
        q.searchAfter = after
        q.includeDocuments = true
        if text != nil, let field = Self.firstText(schema) { q.snippetFields = [field] }
        for f in filter {
            guard let eq = f.firstIndex(of: "="), eq != f.startIndex else { throw ValidationError("--filter takes field=value, got '\(f)'") }
            let field = String(f[..<eq]), values = f[f.index(after: eq)...].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            q.filters.append(values.count == 1 ? .equals(field: field, value: values[0]) : .oneOf(field: field, values: values))
        }
        let time = timeField ?? schema.fields.first { $0.type == .timestamp }?.name ?? schema.fields.first { $0.type == .int || $0.type == .double }?.name
        if from != nil || to != nil {
            guard let time else { throw CLIError("collection '\(collection)' has no numeric or timestamp field for --from/--to") }
            q.filters.append(.range(field: time, from: try from.map(TimeArgument.parse), to: try to.map(TimeArgument.parse)))
        }
        switch sort {
        case "score": q.sort = .score
        case "time":
            guard let time else { throw CLIError("collection '\(collection)' has no timestamp field to sort by") }
            q.sort = .field(time, descending: true)
        case let s where s.hasPrefix("-"): q.sort = .field(String(s.dropFirst()), descending: true)
        default: q.sort = .field(sort, descending: false)
        }
        return q
    }

    private func queryVector() throws -> [Float]? {
        if let vector {
            guard case let .array(items) = try JSONParser.parse(vector) else { throw ValidationError("--vector takes a JSON array of numbers") }
            return try items.map { v in
                switch v {
                case let .double(n): return Float(n)
                case let .int(i): return Float(i)
                default: throw ValidationError("--vector takes a JSON array of numbers")
                }
            }
        }
        guard let vectorFile else { return nil }
        let table = try VectorFiles.readFloats(vectorFile)
        guard table.rows >= 1 else { throw CLIError("\(vectorFile) holds no vector") }
        return Array(table.values[0..<table.columns])
    }

    private func printHits(_ hits: [EngineHit], schema: CollectionSchema) throws {
        let textField = Self.firstText(schema)
        for (rank, hit) in hits.enumerated() {
            let snippet = textField.flatMap { hit.snippets[$0] }
            if json {
                var members: [(String, JSONValue)] = [("id", .string(hit.id)), ("score", .double(hit.score))]
                if let v = hit.sortValue { members.append(("sort", .int(v))) }
                if let snippet { members.append(("snippet", .string(snippet))) }
                members.append(("document", hit.document.map { DocumentJSON.json(from: $0) } ?? .null))
                print(jsonLine(members))
            } else {
                let shown = snippet ?? textField.flatMap { f in
                    if case let .string(s)? = hit.document?[f] { return String(s.prefix(100)) }
                    return nil
                } ?? ""
                print("\(rank + 1). \(hit.id)  \(String(format: "%.4f", hit.score))  \(shown)")
            }
        }
    }

    static func firstText(_ schema: CollectionSchema) -> String? {
        schema.fields.first { if case .text = $0.type { return true }; return false }?.name
    }
}

/// Times on the command line: an integer as stored, or a UTC RFC 3339 date or
/// date-time (as microseconds since 1970, the unit of timestamp fields).
enum TimeArgument {
    static func parse(_ text: String) throws -> Int64 {
        if let v = Int64(text) { return v }
        guard let t = Timestamp.parse(text) else { throw ValidationError("'\(text)' is neither an integer nor an RFC 3339 date") }
        return t
    }
}

extension QuerySyntax: ExpressibleByArgument {}
