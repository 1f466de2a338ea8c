import Foundation
import Testing
import TroveTestSupport

/// The chat commands as a user runs them: files in, passages out, a chat through the
/// stand-in provider over real HTTP, and a clear failure when no provider answers.
@Suite struct ChatCommandTests {
    private var models: String { FileManager.default.currentDirectoryPath + "/models" }

    @Test func filesRetrieveChatAndSearch() async throws {
        let dir = TempDirectory("trove-cli-chat")
        let server = try await StandInProcess.start(dimension: 16)
        defer { server.stop() }
        let fixtures = FileManager.default.currentDirectoryPath + "/Tests/TroveChatTests/Fixtures"
        var env = ProcessInfo.processInfo.environment
        env["TROVE_MODELS"] = models
        let data = ["--data", dir.sub("data")]
        let add = try await CLI.runAsync(["files", "add"] + data + ["\(fixtures)/sample.txt", "\(fixtures)/sample.md"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.split(separator: "\n").count == 2 && add.stdout.contains(#""status":"indexed""#))
        let found = try await CLI.runAsync(["retrieve"] + data + ["--top-k", "1", "Where does the heron nest?"], environment: env)
        #expect(found.status == 0 && found.stdout.contains("heron"), "\(found.stderr)")
        let llm = ["--llm-provider", "openai", "--llm-url", server.baseURL + "/v1", "--llm-model", "standin"]
        let chat = try await CLI.runAsync(["chat"] + data + llm + ["hello from the command line"], environment: env)
        #expect(chat.status == 0, "\(chat.stderr)")
        #expect(chat.stdout == "Echo: hello from the command line")
        #expect(chat.stderr.contains("tokens"))
        let search = try await CLI.runAsync(["messages", "search"] + data + ["command line"], environment: env)
        #expect(search.stdout.split(separator: "\n").count == 2, "\(search.stderr)")
        let other = try await CLI.runAsync(["messages", "search"] + data + ["--owner", "someone-else", "command line"], environment: env)
        #expect(other.status == 0 && other.stdout.isEmpty)
    }

    @Test func chatWithoutAProviderSaysWhatToConfigure() async throws {
        let dir = TempDirectory("trove-cli-chat")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_MODELS"] = models
        env["TROVE_LLM_URL"] = "http://127.0.0.1:9"
        let chat = try await CLI.runAsync(["chat", "--data", dir.sub("data"), "anyone?"], environment: env)
        #expect(chat.status != 0)
        #expect(chat.stderr.contains("TROVE_LLM_PROVIDER") && chat.stderr.contains("ollama"))
        let bad = try await CLI.runAsync(["agents", "create", "--data", dir.sub("data"), #"{"name": "x", "tools": ["shell"]}"#], environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("$.tools[0]"))
    }
}
