import ArgumentParser
import TroveEngine
import TroveJSON
import TroveStorage

struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a document as JSON.")

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection.") var collection: String
    @Argument(help: "The document id.") var id: String

    func run() throws {
        let db = try Database.open(at: database.db, options: .cliReadOnly())
        defer { try? db.close() }
        guard let doc = try db.unscopedGet(id, in: collection) else {
            throw CLIError("no document '\(id)' in collection '\(collection)'")
        }
        print(JSONWriter.string(DocumentJSON.json(from: doc)))
    }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a document by id.")

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection.") var collection: String
    @Argument(help: "The document id.") var id: String

    func run() throws {
        let db = try Database.open(at: database.db, options: .cli())
        defer { try? db.close() }
        guard try db.unscopedDelete(id, in: collection) else {
            throw CLIError("no document '\(id)' in collection '\(collection)'")
        }
        print("deleted \(id)")
    }
}
