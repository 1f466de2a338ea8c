import Foundation
import Testing
import TroveTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `trove serve` reads its settings from the `[server]` table of the data folder's
/// trove.toml (before, server settings could not be put in the file at all), below the
/// environment and the flags; a wrongly typed value stops it with the key named.
@Suite struct ServeSettingsTests {
    static let password = "settings-admin-password"

    /// Starts `trove serve` on `data` with `arguments`; the base URL once it listens.
    static func serve(_ data: String, _ arguments: [String], environment extra: [String: String] = [:], embedder: String) async throws -> (ChildProcess, String) {
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = password
        for (k, v) in extra { env[k] = v }
        let server = try ChildProcess(CLI.executable, ["serve", "--data", data, "--embedder", embedder, "--model", "embed"] + arguments, environment: env)
        let listening = try #require(await server.waitForLine(containing: "trove listening on ", seconds: 60), "\(server.output)")
        let base = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        return (server, base)
    }

    static func post(_ url: String, token: String?, _ body: String) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// Statuses of creating `count` API keys as the admin.
    static func keyStatuses(_ base: String, count: Int) async throws -> [Int] {
        let (_, login) = try await post(base + "/api/auth/login", token: nil, #"{"username": "admin", "password": "\#(password)"}"#)
        let token = try #require(login["access_token"] as? String)
        var out: [Int] = []
        for i in 0..<count { out.append(try await post(base + "/api/keys", token: token, #"{"name": "k\#(i)"}"#).0) }
        return out
    }

    @Test func theServerTableOfTroveTomlIsReadBelowFlagsAndEnvironment() async throws {
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-serve-settings")
        for name in ["a", "b", "c"] {
            try FileManager.default.createDirectory(atPath: dir.sub(name), withIntermediateDirectories: true)
            try "[server]\nhost = \"127.0.0.1\"\nport = 0\nmax_keys = 1\n".write(toFile: dir.sub(name) + "/trove.toml", atomically: true, encoding: .utf8)
        }
        // The file alone: one key, the second is over the limit (422).
        let (a, baseA) = try await Self.serve(dir.sub("a"), [], embedder: standIn.baseURL + "/v1")
        #expect(try await Self.keyStatuses(baseA, count: 2) == [201, 422])
        a.signal(SIGTERM)
        _ = await a.wait(seconds: 30)
        // The environment beats the file, and a flag beats both.
        let (b, baseB) = try await Self.serve(dir.sub("b"), [], environment: ["TROVE_MAX_KEYS": "2"], embedder: standIn.baseURL + "/v1")
        #expect(try await Self.keyStatuses(baseB, count: 3) == [201, 201, 422])
        b.signal(SIGTERM)
        _ = await b.wait(seconds: 30)
        let (c, baseC) = try await Self.serve(dir.sub("c"), ["--max-keys", "3"], environment: ["TROVE_MAX_KEYS": "2"], embedder: standIn.baseURL + "/v1")
        #expect(try await Self.keyStatuses(baseC, count: 4) == [201, 201, 201, 422])
        c.signal(SIGTERM)
        _ = await c.wait(seconds: 30)
    }

    @Test func aWronglyTypedServerSettingStopsTheServerNamingIt() async throws {
        let dir = TempDirectory("trove-serve-settings-bad")
        try FileManager.default.createDirectory(atPath: dir.sub("data"), withIntermediateDirectories: true)
        try "[server]\nport = \"eighty\"\n".write(toFile: dir.sub("data") + "/trove.toml", atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = Self.password
        let server = try ChildProcess(CLI.executable, ["serve", "--data", dir.sub("data"), "--embedder", "http://127.0.0.1:9/v1", "--model", "embed"], environment: env)
        let status = await server.wait(seconds: 60)
        #expect(status != 0 && status != nil)
        #expect(server.output.contains("server.port: expected an integer"), "\(server.output)")
        #expect(!server.output.contains("trove listening"))
    }

    @Test func aBulkLimitOutOfRangeStopsTheServerNamingIt() async throws {
        let dir = TempDirectory("trove-serve-settings-bulk")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = Self.password
        env["TROVE_MAX_BULK_MB"] = "0"
        let server = try ChildProcess(CLI.executable, ["serve", "--data", dir.sub("data"), "--embedder", "http://127.0.0.1:9/v1", "--model", "embed"], environment: env)
        let status = await server.wait(seconds: 60)
        #expect(status != 0 && status != nil)
        #expect(server.output.contains("--max-bulk-mb, TROVE_MAX_BULK_MB, server.max_bulk_mb) must be 1 to 4096"), "\(server.output)")
        #expect(!server.output.contains("trove listening"))
    }
}
