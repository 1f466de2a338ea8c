import Foundation
import Testing
import TroveEmbed
import TroveRemote
import TroveStandIn

@Suite struct EmbedCommandTests {
    private func vectors(_ stdout: String) throws -> [[Float]] {
        try stdout.split(separator: "\n").map { line in
            guard let numbers = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [NSNumber] else { return [] }
            return numbers.map(\.floatValue)
        }
    }

    private func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test func argumentsAndStandardInputGiveTheLibrarysVectors() throws {
        let args = try CLI.run(["embed", "The disk is full.", "Der Speicher ist voll."])
        #expect(args.status == 0, "\(args.stderr)")
        let fromArgs = try vectors(args.stdout)
        #expect(fromArgs.count == 2 && fromArgs.allSatisfy { $0.count == 384 })
        let piped = try CLI.run(["embed", "--batch-size", "1"], stdin: "The disk is full.\nDer Speicher ist voll.\nsomething else\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        let fromStdin = try vectors(piped.stdout)
        #expect(fromStdin.count == 3)
        let library = try ModelCatalog().load().embedNow(["The disk is full.", "Der Speicher ist voll."])
        for i in 0..<2 {
            #expect(cosine(fromArgs[i], library[i]) > 0.99999)
            #expect(cosine(fromStdin[i], library[i]) > 0.99999)
        }
    }

    @Test func modelsListShowsTheInstalledModelAndHowToInstallWhenThereIsNone() throws {
        let listed = try CLI.run(["models", "list", "--json"])
        #expect(listed.status == 0)
        let models = listed.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(models.contains { $0["name"] as? String == "all-MiniLM-L6-v2" && $0["dimension"] as? Int == 384 })

        let empty = TempDirectory("no-models")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_MODELS"] = nil
        let none = try CLI.run(["models", "list"], in: empty.path, environment: env)
        #expect(none.status == 0 && none.stdout.contains("scripts/install-model.sh"))
        let failed = try CLI.run(["embed", "hello"], in: empty.path, environment: env)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("not installed") && failed.stderr.contains("scripts/install-model.sh"))
        #expect(failed.stdout.isEmpty)
    }

    @Test func aRemoteEmbedderAnswersThroughTheSameCommand() async throws {
        // A process of its own: in this process it answered late (60 s in one CI run)
        // whenever other tests kept every cooperative thread busy.
        let server = try await StandInProcess.start(dimension: 8)
        defer { server.stop() }
        let result = try await CLI.runAsync(["embed", "--embedder", server.baseURL + "/v1", "--model", "e5-small", "alpha beta", "gamma"])
        #expect(result.status == 0, "\(result.stderr)")
        let got = try vectors(result.stdout)
        try #require(got.count == 2 && got.allSatisfy { $0.count == 8 })
        let want = StandInServer.vector(for: "gamma", dimension: 8)
        let norm = want.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(cosine(got[1], want.map { $0 / norm }) > 0.9999)
        let noModel = try await CLI.runAsync(["embed", "--embedder", server.baseURL + "/v1", "x"])
        #expect(noModel.status != 0 && noModel.stderr.contains("TROVE_EMBEDDER_MODEL"))
    }
}

@Suite struct EmbedCommandInputTests {
    @Test func badOptionsAndFilesAreClearErrors() throws {
        let zero = try CLI.run(["embed", "--batch-size", "0", "x"])
        #expect(zero.status != 0 && zero.stderr.contains("--batch-size") && zero.stdout.isEmpty)
        let missing = try CLI.run(["bench", "embed", "--sentences", "/nonexistent/sentences.txt"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/sentences.txt"))
        let empty = try CLI.run(["embed"], stdin: "")
        #expect(empty.status == 0 && empty.stdout.isEmpty)
    }
}
