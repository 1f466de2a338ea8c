import ArgumentParser
import TroveEngine
import TroveJSON
import TroveStorage

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a collection as JSONL to standard output (importable again).")

    @OptionGroup var database: DatabaseFolder
    @Option(help: "The collection.") var collection: String

    func run() throws {
        let db = try Database.open(at: database.db, options: .cliReadOnly())
        defer { try? db.close() }
        let out = StandardOutput()
        try db.unscopedForEach(in: collection) { doc in
            var w = JSONWriter()
            w.write(DocumentJSON.json(from: doc))
            out.write(w.bytes)
            out.write([0x0A])
            return true
        }
        out.flush()
    }
}
