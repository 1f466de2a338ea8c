import Foundation
import Testing
import TroveTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A bot's own provider key through the real `trove` binary: set over HTTP on `trove serve`,
/// used for a visitor's chat (which fails, so the provider's error path is logged too), then
/// the server's whole output, `trove export` of the agents and `trove backup --data` (its
/// report and every file it writes) are searched for the key; none holds it, and the backup
/// keeps `secrets/data.key`, without which the sealed key could not be opened.
@Suite struct BotKeyCommandTests {
    @Test func theKeyIsInNoLogExportOrBackup() async throws {
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-botkey")
        let key = "sk-KEYTEST-4b1d9e"
        let (server, base) = try await ServeSettingsTests.serve(dir.sub("data"), ["--port", "0", "--llm-provider", "openai",
                                                                                   "--llm-url", standIn.baseURL + "/v1", "--llm-model", "echo-small"],
                                                                 embedder: standIn.baseURL + "/v1")
        defer { server.signal(SIGKILL) }
        let (_, login) = try await ServeSettingsTests.post(base + "/api/auth/login", token: nil, #"{"username": "admin", "password": "\#(ServeSettingsTests.password)"}"#)
        let token = try #require(login["access_token"] as? String)
        // The agent's own endpoint is the stand-in (it takes any key); then one that answers nothing.
        let (made, agent) = try await ServeSettingsTests.post(base + "/api/agents", token: token, """
            {"name": "Keyed", "base_url": "\(standIn.baseURL)/v1", "api_key": "\(key)", "public": true}
            """)
        let id = try #require(agent["id"] as? String)
        #expect(made == 201 && agent["api_key_set"] as? Bool == true)
        let (chatted, reply) = try await ServeSettingsTests.post(base + "/api/chat/\(id)", token: nil, #"{"message": "hello"}"#)
        #expect(chatted == 200 && (reply["message"] as? [String: Any])?["content"] as? String == "Echo: hello", "\(reply)")
        let (other, unreachable) = try await ServeSettingsTests.post(base + "/api/agents", token: token, """
            {"name": "Unreachable", "base_url": "http://127.0.0.1:9/v1", "api_key": "\(key)", "public": true}
            """)
        let (failed, _) = try await ServeSettingsTests.post(base + "/api/chat/\(try #require(unreachable["id"] as? String))", token: nil, #"{"message": "hello"}"#)
        #expect(other == 201 && failed == 503)
        server.signal(SIGTERM)
        #expect(await server.wait(seconds: 30) == 0)
        #expect(!server.output.contains(key) && server.output.contains("trove listening"), "the server's log holds the key")
        let export = try CLI.run(["export", "--db", dir.sub("data/engine"), "--collection", "chat_agents"])
        #expect(export.status == 0 && export.stdout.contains("api_key_sealed") && !export.stdout.contains(key), "\(export.stderr)")
        let backup = try CLI.run(["backup", "--data", dir.sub("data"), "--to", dir.sub("copy")])
        #expect(backup.status == 0 && !(backup.stdout + backup.stderr).contains(key), "\(backup.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.sub("copy/secrets/data.key")))
        for f in FileManager.default.enumerator(atPath: dir.sub("copy"))?.compactMap({ $0 as? String }) ?? [] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: dir.sub("copy/" + f)))) ?? Data()
            #expect(bytes.range(of: Data(key.utf8)) == nil, "\(f)")
        }
    }
}
