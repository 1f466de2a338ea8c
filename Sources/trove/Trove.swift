import ArgumentParser
import TroveStorage

/// The `trove` command: every subcommand works on a database folder.
@main
struct Trove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trove",
        abstract: "Trove: an embedded search-and-retrieval engine with its own storage format.",
        subcommands: [
            ImportCommand.self, GetCommand.self, DeleteCommand.self, StatsCommand.self,
            VerifyCommand.self, CompactCommand.self, ExportCommand.self, BenchCommand.self,
        ]
    )
}

/// Options every database command takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The database folder.")
    var db: String = "./data"
}

/// Errors the CLI reports and exits on, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension StoreOptions {
    static func readOnly() -> StoreOptions {
        var o = StoreOptions()
        o.readOnly = true
        o.backgroundMerges = false
        return o
    }
}
