import Foundation
import Testing
import TroveTestSupport
@testable import TroveEmbed

/// Broken model folders: each must be a typed error that names the file at fault.
@Suite struct ModelFileErrorTests {
    /// A copy of the installed model (weights linked, not copied) that a test may break.
    private func modelCopy(_ dir: TempDirectory) throws -> URL {
        let source = try ReferenceFixtures.modelDirectory()
        let target = URL(fileURLWithPath: dir.sub("all-MiniLM-L6-v2"))
        let fm = FileManager.default
        try fm.createDirectory(at: target.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        for name in ["config.json", "vocab.txt", "sentence_bert_config.json", "tokenizer_config.json", "1_Pooling/config.json"] {
            try fm.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
        try fm.copyItem(at: source.appendingPathComponent("model.safetensors"), to: target.appendingPathComponent("model.safetensors"))
        return target
    }

    private func loadError(_ dir: URL) -> EmbedderError? {
        do { _ = try MiniLMEmbedder(directory: dir); return nil } catch { return error as? EmbedderError }
    }

    private func expectNamed(_ error: EmbedderError?, _ file: String, _ words: String) {
        guard case .modelFile(let path, let problem)? = error else {
            Issue.record("expected a model file error, got \(String(describing: error))")
            return
        }
        #expect(path.hasSuffix(file), "\(path)")
        #expect(problem.contains(words), "\(problem)")
    }

    @Test func aCopiedModelLoads() throws {
        let dir = TempDirectory("embed-model")
        #expect(loadError(try modelCopy(dir)) == nil)
    }

    @Test func missingFilesAreNamed() throws {
        let dir = TempDirectory("embed-model")
        let model = try modelCopy(dir)
        try FileManager.default.removeItem(at: model.appendingPathComponent("vocab.txt"))
        expectNamed(loadError(model), "vocab.txt", "cannot be read")
        try FileManager.default.removeItem(at: model.appendingPathComponent("model.safetensors"))
        expectNamed(loadError(model), "model.safetensors", "missing")
        try FileManager.default.removeItem(at: model.appendingPathComponent("config.json"))
        expectNamed(loadError(model), "config.json", "missing")
    }

    @Test func corruptWeightsAreNamed() throws {
        let dir = TempDirectory("embed-model")
        let model = try modelCopy(dir)
        let weights = model.appendingPathComponent("model.safetensors")
        // Cut in the middle of the tensor data: the header's ranges no longer fit.
        let handle = try FileHandle(forWritingTo: weights)
        try handle.truncate(atOffset: 1_000_000)
        try handle.close()
        expectNamed(loadError(model), "model.safetensors", "out-of-range")
        // A header length past the end of the file.
        var bytes = [UInt8](repeating: 0xFF, count: 64)
        try Data(bytes).write(to: weights)
        expectNamed(loadError(model), "model.safetensors", "header length")
        // A header that is not JSON.
        bytes = [16, 0, 0, 0, 0, 0, 0, 0] + Array("not json at all!".utf8)
        try Data(bytes).write(to: weights)
        expectNamed(loadError(model), "model.safetensors", "not a JSON object")
        try Data([1, 2, 3]).write(to: weights)
        expectNamed(loadError(model), "model.safetensors", "too short")
    }

    @Test func weightsOfAnotherShapeAreNamedWithTheTensor() throws {
        let dir = TempDirectory("embed-model")
        let model = try modelCopy(dir)
        let config = model.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "\"intermediate_size\": 1536", with: "\"intermediate_size\": 1024")
            .write(to: config, atomically: true, encoding: .utf8)
        expectNamed(loadError(model), "model.safetensors", "intermediate.dense.weight")
    }

    @Test func aVocabularyLargerThanTheEmbeddingTableIsRefused() throws {
        let dir = TempDirectory("embed-model")
        let model = try modelCopy(dir)
        let vocab = model.appendingPathComponent("vocab.txt")
        let handle = try FileHandle(forWritingTo: vocab)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("extra1\nextra2\n".utf8))
        try handle.close()
        expectNamed(loadError(model), "vocab.txt", "30524 tokens")
    }

    @Test func noModelAnywhereSaysHowToInstall() throws {
        let dir = TempDirectory("embed-empty")
        let catalog = ModelCatalog(modelDirectory: dir.path, currentDirectory: URL(fileURLWithPath: dir.path))
        #expect(catalog.installed().isEmpty)
        do {
            _ = try catalog.load()
            Issue.record("loaded a model from an empty folder")
        } catch let error as EmbedderError {
            guard case .modelNotInstalled(let name, let searched) = error else { Issue.record("\(error)"); return }
            #expect(name == "all-MiniLM-L6-v2")
            #expect(searched.contains(dir.path))
            #expect(error.description.contains("scripts/install-model.sh"))
        }
    }

    @Test func theCatalogListsAndLocatesInstalledModels() throws {
        let dir = TempDirectory("embed-catalog")
        _ = try modelCopy(dir)
        let catalog = ModelCatalog(modelDirectory: dir.path)
        let models = catalog.installed()
        #expect(models.map(\.name) == ["all-MiniLM-L6-v2"])
        #expect(models.first?.dimension == 384)
        #expect(models.first?.maxSequenceLength == 256)
        #expect(try catalog.locate("ALL-minilm-l6-v2").lastPathComponent == "all-MiniLM-L6-v2")
        // --model-dir may point at the model folder itself.
        let direct = ModelCatalog(modelDirectory: dir.sub("all-MiniLM-L6-v2"))
        #expect(try direct.locate().path == dir.sub("all-MiniLM-L6-v2"))
        #expect(throws: EmbedderError.self) { try catalog.locate("no-such-model") }
    }
}
