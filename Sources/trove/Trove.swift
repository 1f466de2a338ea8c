import ArgumentParser
import TroveEngine
import TroveStorage
import TroveText

/// The `trove` command: every subcommand works on a database folder.
@main
struct Trove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trove",
        abstract: "Trove: an embedded search-and-retrieval engine with its own storage format.",
        subcommands: [
            ImportCommand.self, GetCommand.self, DeleteCommand.self, StatsCommand.self,
            VerifyCommand.self, CompactCommand.self, BackupCommand.self, CollectionCommand.self, ExportCommand.self, SearchCommand.self, EmbedCommand.self, ModelsCommand.self, BenchCommand.self,
            ServeCommand.self, FilesCommand.self, RetrieveCommand.self, ChatCommand.self, AgentsCommand.self, MessagesCommand.self,
        ]
    )
}

/// Options every database command takes.
struct DatabaseFolder: ParsableArguments {
    /// The engine database inside the default data folder, so that engine commands and the
    /// chat services (`--data ./data`) work on the same database.
    @Option(name: .long, help: "The database folder (default: the engine folder of ./data).")
    var db: String = "./data/engine"
}

/// Errors the CLI reports and exits on, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension StoreOptions {
    /// Options every CLI command starts from: the engine's, so that collections keep
    /// their text and vector sections through every flush and merge a command causes.
    static func cli() -> StoreOptions {
        Database.storeOptions(TroveEngine.DatabaseOptions())
    }

    static func readOnly() -> StoreOptions {
        var o = cli()
        o.readOnly = true
        o.backgroundMerges = false
        return o
    }
}
