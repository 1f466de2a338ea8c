import Foundation
import Testing
import TroveTestSupport

/// Trove's own Python client (`clients/python`, installed into `.venv-client` by
/// `scripts/setup-python-client.sh` the way its README says) against a live `trove serve`
/// process with the real MiniLM embedder from ./models, a 1 MiB `_bulk` limit and the
/// stand-in chat model:
/// `clients/python/tests/check_client.py` drives every typed method and exception, and
/// checks that hybrid search with server-side embedding equals hybrid with the client's
/// own vectors on real sentence embeddings.
@Suite struct PythonClientTests {
    @Test func theClientDrivesEveryRouteItCovers() async throws {
        let root = FileManager.default.currentDirectoryPath
        let python = root + "/.venv-client/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "run scripts/setup-python-client.sh (scripts/test.sh does)")
        let standIn = try await StandInProcess.start(dimension: 8)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-python-client")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = "client-admin-password"
        let server = try ChildProcess(CLI.executable, ["serve", "--data", dir.sub("data"), "--port", "0", "--model-dir", root + "/models", "--max-bulk-mb", "1",
                                                       "--llm-provider", "openai", "--llm-url", standIn.baseURL + "/v1", "--llm-model", "standin"],
                                      environment: env)
        let listening = try #require(await server.waitForLine(containing: "trove listening on ", seconds: 60), "\(server.output)")
        env["TROVE_URL"] = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        env["TROVE_EMBED_MODEL"] = "all-MiniLM-L6-v2"
        let check = try ChildProcess(python, [root + "/clients/python/tests/check_client.py"], environment: env)
        let status = await check.wait(seconds: 240)
        #expect(status == 0, "\(check.output)")
        for line in ["collections ok 384", "bulk ok 12", "hybrid ok", "explicit vector ok", "count aggregate export ok 11", "atomic and deletes ok", "bulk limit ok",
                     "errors ok", "files and retrieve ok", "conversations ok"] {
            #expect(check.output.contains(line), "\(line): \(check.output)")
        }
        server.signal(SIGTERM)
        #expect(await server.wait(seconds: 30) == 0, "\(server.output.suffix(2000))")
    }
}
