import ArgumentParser
import TroveStorage

struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a document as JSON.")

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection.") var collection: String
    @Argument(help: "The document id.") var id: String

    func run() throws {
        let store = try Store.open(at: database.db, options: .readOnly())
        defer { try? store.close() }
        guard let doc = try store.get(id, in: collection) else {
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
        let store = try Store.open(at: database.db, options: .cli())
        defer { try? store.close() }
        guard try store.delete(id: id, in: collection) else {
            throw CLIError("no document '\(id)' in collection '\(collection)'")
        }
        print("deleted \(id)")
    }
}
