import ArgumentParser
import Foundation
import TroveStorage
import TroveText

/// Full-text search over a collection imported with `--text-field` (and `--time-field`).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search a collection by text and time.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(help: "The query: words, \"phrases\", +must, -not, field:term, prefix*, term^2.") var text: String
    @Option(help: "Only documents whose time field is at least this.") var from: Int64?
    @Option(help: "Only documents whose time field is below this.") var to: Int64?
    @Option(help: "score or time (newest first).") var sort = "score"
    @Option(help: "Hits to print.") var k = 10
    @Flag(help: "Print JSON lines with id, score and the document.") var json = false

    func run() throws {
        guard ["score", "time"].contains(sort) else { throw ValidationError("--sort must be score or time") }
        let store = try Store.open(at: database.db, options: .readOnly())
        defer { try? store.close() }
        let snapshot = try store.snapshot()
        let schema = TextSchema(metadata: try snapshot.metadata(of: collection))
        guard let field = schema.text.first?.field else {
            throw CLIError("collection '\(collection)' has no text fields; import it with --text-field NAME")
        }
        var options = TextSearchOptions(limit: k)
        let timeField = schema.numeric.first?.field
        if from != nil || to != nil || sort == "time" {
            guard let timeField else { throw CLIError("collection '\(collection)' has no time field; import it with --time-field NAME") }
            if from != nil || to != nil { options.range = (timeField, from, to) }
            if sort == "time" { options.sortBy = (timeField, true) }
        }
        let hits = try TextSearcher(schema: schema, defaultField: field).search(snapshot, collection: collection, queryString: text, options: options)
        for (rank, hit) in hits.enumerated() {
            let doc = try snapshot.get(hit.id, in: collection)
            if json {
                print(jsonLine([("id", .string(hit.id)), ("score", .double(Double(hit.score))), ("document", doc.map { DocumentJSON.json(from: $0) } ?? .null)]))
            } else {
                let snippet = (doc.flatMap { d -> String? in if case let .string(s)? = d[field] { return s }; return nil } ?? "").prefix(100)
                print("\(rank + 1). \(hit.id)  \(String(format: "%.3f", hit.score))  \(snippet)")
            }
        }
        if hits.isEmpty && !json { printError("no hits") }
    }
}
