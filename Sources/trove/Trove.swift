import ArgumentParser
import TroveEngine
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
struct CLIError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension TroveEngine.DatabaseOptions {
    /// Options of commands that write: the engine's (every command opens a `Database`,
    /// so flushes and merges it causes keep the text and vector sections).
    static func cli() -> Self { Self() }

    /// Options of commands that only read: nothing is written, merged or recovered into.
    static func cliReadOnly() -> Self {
        var o = Self()
        o.store.readOnly = true
        o.store.backgroundMerges = false
        return o
    }
}
