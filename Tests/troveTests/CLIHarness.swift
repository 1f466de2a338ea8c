import Foundation
@_exported import TroveTestSupport
@testable import TroveStorage

/// Runs the real `trove` executable built next to the test bundle.
enum CLI {
    static var executable: String { built("trove") }

    /// The `trove-standin` executable: a stand-in in a process of its own, which keeps
    /// answering however busy this test process's threads are with other tests.
    static var standIn: String { built("trove-standin") }

    private static func built(_ name: String) -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test runner lives in the build folder (or in a .xctest bundle inside it).
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return name
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `run` on a thread of its own, for tests that serve the child from this process (the
    /// stand-in): blocking the few threads of the concurrency pool while waiting for the child
    /// would leave none to answer it.
    static func runAsync(_ arguments: [String], stdin: String? = nil, in directory: String? = nil,
                         environment: [String: String]? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result { try run(arguments, stdin: stdin, in: directory, environment: environment) })
            }.start()
        }
    }

    /// Runs `trove` with `arguments` to completion.
    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil, in directory: String? = nil,
                    environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// JSONL lines of chat-message-like documents with ids `prefix-0`, `prefix-1`, …
func messageLines(prefix: String, count: Int, seed: UInt64) -> [String] {
    let words = ["the", "engine", "stores", "messages", "and", "vectors", "with", "care", "under", "load", "fsync", "segment"]
    var rng = SplitMix64(state: seed)
    return (0..<count).map { i in
        let text = (0..<30).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
        return #"{"id":"\#(prefix)-\#(i)","conversation_id":"c\#(i % 17)","role":"user","text":"\#(text)","ts":\#(1_700_000_000 + i)}"#
    }
}

/// `trove-standin` as a child process, for tests whose `trove` child calls a stand-in: one
/// in this process answered late whenever other tests kept every cooperative thread busy,
/// and the child's calls (its embedder check at start) timed out.
final class StandInProcess: Sendable {
    let baseURL: String
    private let child: ChildProcess

    private init(child: ChildProcess, baseURL: String) {
        self.child = child
        self.baseURL = baseURL
    }

    static func start(dimension: Int) async throws -> StandInProcess {
        let child = try ChildProcess(CLI.standIn, [String(dimension)], environment: ProcessInfo.processInfo.environment)
        guard let line = await child.waitForLine(containing: "standin listening on ", seconds: 60),
              let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else {
            child.signal(SIGKILL)
            throw DidNotStart(output: "trove-standin: " + String(child.output.suffix(2000)))
        }
        var base = String(url)
        while base.hasSuffix("/") { base.removeLast() }
        return StandInProcess(child: child, baseURL: base)
    }

    func stop() { child.signal(SIGKILL) }

    /// `trove serve` on a free port whose chat provider (OpenAI's wire format, `model`) and
    /// embedder are this stand-in; the server and its base URL, once it listens.
    func serve(data: String, model: String, environment: [String: String]) async throws -> (server: ChildProcess, url: String) {
        let server = try ChildProcess(CLI.executable, ["serve", "--data", data, "--port", "0",
                                                       "--llm-provider", "openai", "--llm-url", baseURL + "/v1", "--llm-model", model,
                                                       "--embedder", baseURL + "/v1", "--model", "embed"], environment: environment)
        guard let listening = await server.waitForLine(containing: "trove listening on ", seconds: 60),
              let url = listening.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else {
            server.signal(SIGKILL)
            throw DidNotStart(output: "trove serve: " + String(server.output.suffix(2000)))
        }
        return (server, String(url))
    }

    struct DidNotStart: Error, CustomStringConvertible {
        let output: String
        var description: String { "did not start: \(output)" }
    }
}
