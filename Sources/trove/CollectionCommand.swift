import ArgumentParser
import Foundation
import TroveEngine
import TroveJSON

/// `trove collection create|list|schema`: collections with an engine schema.
struct CollectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection", abstract: "Create collections from a schema file, list them, show a schema.",
        subcommands: [Create.self, List.self, Show.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a collection from a schema JSON file, or add fields to an existing one's schema.",
            discussion: """
                schema.json: {"tenant": "owner", "fields": [{"name": "owner", "type": "keyword"},
                  {"name": "text", "type": "text", "analyzer": "english", "phrases": true},
                  {"name": "embedding", "type": "vector", "dimension": 384, "metric": "cosine", "index": "ivf"},
                  {"name": "created_at", "type": "timestamp"}, {"name": "tokens", "type": "int"}]}
                With --update, the schema replaces the collection's: fields may only be added after the existing ones.
                """)

        @OptionGroup var database: DatabaseFolder
        @Option(help: "The schema JSON file.") var schema: String
        @Option(help: "The collection's name.") var name: String
        @Flag(help: "Evolve an existing collection's schema instead of creating one.") var update = false

        func run() throws {
            guard let text = FileManager.default.contents(atPath: schema).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw CLIError("cannot read \(schema)")
            }
            let parsed = try CollectionSchema(jsonText: text)
            let db = try Database.open(at: database.db, options: .cli())
            defer { try? db.close() }
            if update { try db.updateSchema(of: name, to: parsed) } else { try db.createCollection(name, schema: parsed) }
            print("\(update ? "updated" : "created") '\(name)': \(parsed.fields.count) fields\(parsed.tenantField.map { ", tenant-scoped on '\($0)'" } ?? "")")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List collections and whether they have a schema.")
        @OptionGroup var database: DatabaseFolder

        func run() throws {
            let db = try Database.open(at: database.db, options: .cliReadOnly())
            defer { try? db.close() }
            for name in db.collectionNames {
                let schema = try? db.schema(of: name)
                print("\(name)\t\(schema.map { "\($0.fields.count) fields" } ?? "no schema")")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print a collection's schema as JSON.")
        @OptionGroup var database: DatabaseFolder
        @Option(help: "The collection's name.") var name: String

        func run() throws {
            let db = try Database.open(at: database.db, options: .cliReadOnly())
            defer { try? db.close() }
            print(JSONWriter.string(try db.schema(of: name).json))
        }
    }
}
