import ArgumentParser
import Foundation
import TroveChat
import TroveEmbed
import TroveEngine
import TroveJSON

/// The flags of every command that opens the chat services: the data folder, the owner
/// records are written for, and the provider settings (each also read from its
/// environment variable and the settings file).
struct ChatOptions: ParsableArguments {
    @Option(name: .long, help: "The data folder (engine/, blobs/, secrets/).")
    var data: String = "./data"

    @Option(name: .long, help: "The owner the records belong to.")
    var owner: String = "local"

    @Option(name: .customLong("llm-provider"), help: "openai | ollama | anthropic (env TROVE_LLM_PROVIDER; default ollama).")
    var llmProvider: String?

    @Option(name: .customLong("llm-url"), help: "The provider's base URL (env TROVE_LLM_URL).")
    var llmURL: String?

    @Option(name: .customLong("llm-model"), help: "The model (env TROVE_LLM_MODEL).")
    var llmModel: String?

    @Option(name: .customLong("llm-api-key"), help: "The API key (env TROVE_LLM_API_KEY).")
    var llmAPIKey: String?

    @Option(name: .long, help: "A settings file, trove.toml or trove.json (env TROVE_CONFIG; default <data>/trove.toml).")
    var config: String?

    @Option(name: .customLong("memtable-mb"), help: "Unflushed writes all collections hold together before they become segments (a budget for the server's memory). Text search scores them in chunks built in memory, so a smaller budget keeps searches of recent messages fast; 64 loads bulk writes faster.")
    var memtableMB = 8

    @OptionGroup var embedder: EmbedderOptions

    /// Opens the chat services, turning set-up failures into messages that say what to do.
    /// `vectorThreads`: lanes one vector query is split over.
    func open(vectorThreads: Int = DatabaseOptions().vectorThreads) async throws -> ChatSystem {
        try await open(settings: resolvedSettings(), vectorThreads: vectorThreads)
    }

    /// The chat settings from flags, environment and settings file, with failures as
    /// CLI messages.
    func resolvedSettings(from sources: SettingSources? = nil) throws -> ChatSettings {
        do { return try chatSettings(from: sources ?? settingSources()) } catch let error as CLIError { throw error } catch { throw CLIError("\(error)") }
    }

    /// `open` with settings already resolved (`trove serve` reads its own from the same
    /// sources). The embedder is the one the settings name, flags, environment and file
    /// alike.
    func open(settings: ChatSettings, vectorThreads: Int) async throws -> ChatSystem {
        do {
            guard (1...4096).contains(memtableMB) else { throw CLIError("--memtable-mb must be in 1...4096") }
            var options = DatabaseOptions()
            options.store.memtableBytes = memtableMB << 20
            options.vectorThreads = vectorThreads
            return try await ChatSystem.open(dataFolder: data, settings: settings, embedder: embedder.make(settings.embedder), options: options)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// Prints JSON values, one per line.
func printJSON(_ value: JSONValue) {
    print(JSONWriter.string(value))
}

/// Runs `body` with the services open, closing them after, and reports service errors
/// as CLI errors.
func withChat<T>(_ options: ChatOptions, _ body: (ChatSystem) async throws -> T) async throws -> T {
    let system = try await options.open()
    defer { try? system.close() }
    do {
        return try await body(system)
    } catch let error as ChatError {
        throw CLIError(error.description)
    }
}
