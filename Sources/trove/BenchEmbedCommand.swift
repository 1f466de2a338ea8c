import ArgumentParser
import Foundation
import TroveEmbed

/// `trove bench embed`: the native encoder's throughput on a file of sentences, for
/// Benchmarks/embed/run.sh, which runs sentence-transformers on the same file.
struct BenchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Embed a file of sentences (one per line) and time it.")

    @Option(help: "Sentences, one per line.") var sentences: String
    @Option(name: .customLong("model-dir"), help: "A folder of models, or one model folder.") var modelDir: String?
    @Option(help: "The native model.") var model = ModelCatalog.defaultModel
    @Option(name: .customLong("batch-size"), help: "Sentences per batch.") var batchSize = 32
    @Option(help: "Batches run at once (default: every core).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed passes over the whole file; the median is reported.") var repeats = 3
    @Option(help: "Write the vectors of the last pass here as little-endian float32, one row per sentence.") var vectors: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard let text = try? String(contentsOfFile: sentences, encoding: .utf8) else {
            throw CLIError("cannot read \(sentences) as UTF-8 text (one sentence per line)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(text.hasSuffix("\n") ? 1 : 0)
        let inputs = Array(lines)
        guard !inputs.isEmpty, repeats > 0, batchSize > 0, threads > 0 else { throw CLIError("nothing to embed, or a zero option") }
        let embedder: MiniLMEmbedder
        do {
            let directory = try modelCatalog(modelDir: modelDir).locate(model)
            embedder = try MiniLMEmbedder(directory: directory, name: model, batchSize: batchSize, threads: threads)
        } catch let error as EmbedderError {
            throw CLIError(error.description)
        }
        _ = embedder.embedFlat(Array(inputs.prefix(256)))  // page the weights in, size the workspaces
        var seconds: [Double] = []
        var output: [Float] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            output = embedder.embedFlat(inputs)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let tokens = inputs.reduce(0) { $0 + embedder.tokenizer.encode($1).count }
        if let vectors {
            let data = output.withUnsafeBufferPointer { Data(buffer: $0) }
            try data.write(to: URL(fileURLWithPath: vectors))
        }
        let median = seconds.sorted()[seconds.count / 2]
        let report: [String: Any] = [
            "engine": "trove", "model": model, "sentences": inputs.count, "tokens": tokens, "batch_size": batchSize,
            "threads": threads, "repeats": repeats, "seconds": seconds, "median_seconds": median,
            "sentences_per_s": Double(inputs.count) / median, "dimension": embedder.dimension,
            "blas_core": MiniLMEmbedder.blasCore,
        ]
        if json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "%d sentences (%d tokens) in %.3f s (median of %d): %.1f sentences/s on %d threads, batch %d",
                         inputs.count, tokens, median, repeats, Double(inputs.count) / median, threads, batchSize) + ", BLAS \(MiniLMEmbedder.blasCore)")
        }
    }
}
