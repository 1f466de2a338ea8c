import ArgumentParser
import Foundation
import TroveEmbed

/// `trove embed`: one JSON array per input, so any tool can compare vectors.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding of each sentence (or of each line of standard input) as a JSON array."
    )

    @OptionGroup var embedderOptions: EmbedderOptions

    @Option(name: .customLong("batch-size"), help: "Sentences per batch for the native model.")
    var batchSize: Int = 32

    @Argument(help: "Sentences to embed; without any, lines are read from standard input.")
    var sentences: [String] = []

    func run() async throws {
        guard batchSize > 0 else { throw CLIError("--batch-size must be positive") }
        let embedder = try await embedderOptions.make(batchSize: batchSize)
        let out = StandardOutput()
        if !sentences.isEmpty {
            try await emit(sentences, embedder, out)
            return
        }
        // Stream standard input in chunks, so a long file starts printing early.
        var chunk: [String] = []
        while let line = readLine(strippingNewline: true) {
            chunk.append(line)
            if chunk.count == 1024 {
                try await emit(chunk, embedder, out)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try await emit(chunk, embedder, out) }
    }

    private func emit(_ texts: [String], _ embedder: any Embedder, _ out: StandardOutput) async throws {
        let vectors: [[Float]]
        do { vectors = try await embedder.embed(texts) } catch let error as EmbedderError { throw CLIError(error.description) }
        for v in vectors {
            out.line("[" + v.map { "\($0)" }.joined(separator: ",") + "]")
        }
        out.flush()
    }
}

/// `trove models list`: the native models installed where Trove looks for them.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Native embedding models.",
        subcommands: [ModelsListCommand.self]
    )
}

struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List installed native models.")

    @Option(name: .customLong("model-dir"), help: "A folder of models, or one model folder (also TROVE_MODELS; default ./models).")
    var modelDir: String?

    @Flag(name: .long, help: "Print JSON lines.")
    var json = false

    func run() async throws {
        let catalog = modelCatalog(modelDir: modelDir)
        let models = catalog.installed()
        if models.isEmpty {
            print("no models installed (looked in \(catalog.searchPaths.map(\.path).joined(separator: ", "))); "
                + "run scripts/install-model.sh to install all-MiniLM-L6-v2")
            return
        }
        for m in models {
            if json {
                let fields: [String: Any] = ["name": m.name, "dimension": m.dimension, "layers": m.layers,
                                             "max_tokens": m.maxSequenceLength, "bytes": m.weightBytes, "path": m.directory.path]
                let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let mb = String(format: "%.1f MB", Double(m.weightBytes) / 1e6)
                print("\(m.name)\t\(m.dimension)-d\t\(m.layers) layers\tmax \(m.maxSequenceLength) tokens\t\(mb)\t\(m.directory.path)")
            }
        }
    }
}
