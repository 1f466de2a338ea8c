import Foundation
import Testing
import TroveTestSupport

/// The official `openai` Python SDK and `langchain-openai` against a live `trove serve` process (the chat model
/// and embeddings behind it served by the stand-in), then SIGTERM: the server must finish
/// and close the database cleanly.
@Suite struct OpenAIClientTests {
    @Test func theOpenAIPythonSDKTalksToTroveServe() async throws {
        let python = FileManager.default.currentDirectoryPath + "/.venv-openai/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "run scripts/setup-openai-client.sh (scripts/test.sh does)")
        let standIn = try await StandInProcess.start(dimension: 24)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-serve")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = "sdk-admin-password"
        let (server, url) = try await standIn.serve(data: dir.sub("data"), model: "standin", environment: env)
        #expect(server.output.contains("admin account created: username admin, password from TROVE_ADMIN_PASSWORD"))
        env["TROVE_URL"] = url
        env["TROVE_DIM"] = "24"
        let script = FileManager.default.currentDirectoryPath + "/scripts/clients/openai_client_check.py"
        let client = try ChildProcess(python, [script], environment: env)
        let status = await client.wait(seconds: 120)
        #expect(status == 0, "\(client.output)")
        for check in ["models ok", "completion ok 13", "stream loop ok", "stream ok", "n and stop ok 2", "models.retrieve ok", "embeddings ok 24",
                      "errors ok", "auth ok"] {
            #expect(client.output.contains(check), "\(check): \(client.output)")
        }
        let langchain = try ChildProcess(python, [FileManager.default.currentDirectoryPath + "/scripts/clients/langchain_client_check.py"], environment: env)
        #expect(await langchain.wait(seconds: 120) == 0, "\(langchain.output)")
        for check in ["chat invoke ok", "chat stream ok", "embeddings ok 24"] {
            #expect(langchain.output.contains(check), "\(check): \(langchain.output)")
        }
        server.signal(SIGTERM)
        #expect(await server.wait(seconds: 30) == 0)
        #expect(server.output.contains("database closed"))
    }
}

/// A child process whose stdout and stderr are collected on a thread of their own.
final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var collected = ""
    private var exited: Date?

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        // Stamped on Foundation's own thread: a test's clock reading after `wait` can come
        // late when other tests keep the cooperative threads busy.
        process.terminationHandler = { [lock] _ in lock.withLock { self.exited = Date() } }
        try process.run()
        Thread {
            while true {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty { break }
                self.lock.withLock { self.collected += String(decoding: data, as: UTF8.self) }
            }
        }.start()
    }

    var output: String { lock.withLock { collected } }

    /// When the process exited (nil while it runs).
    var exitedAt: Date? { lock.withLock { exited } }

    /// The first output line holding `text`, waiting up to `seconds`.
    func waitForLine(containing text: String, seconds: Double) async -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        // The output is looked at once more after the deadline: a busy test process can
        // wake this task late, after the line came in time.
        while true {
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning || Date() >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// The exit status, or nil if it did not exit within `seconds` (it is then killed).
    func wait(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { process.terminate(); return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? await Task.sleep(for: .milliseconds(100))
        return process.terminationStatus
    }
}
