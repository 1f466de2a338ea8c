import Foundation
import Testing
import TroveTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// SIGTERM while an upload waits on a `pdftotext` that never finishes: in-flight requests
/// get their grace period, then are cancelled (the tool is stopped), and the server
/// closes the database and exits instead of waiting on the upload.
@Suite struct ServeShutdownTests {
    @Test func sigtermCancelsAHangingIngestionAndExitsCleanly() async throws {
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-serve-stop")
        let bin = dir.sub("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\nexec sleep 300\n".write(toFile: bin + "/pdftotext", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/pdftotext")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = "stop-admin-password"
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let server = try ChildProcess(CLI.executable, ["serve", "--data", dir.sub("data"), "--port", "0",
                                                       "--embedder", standIn.baseURL + "/v1", "--model", "embed"], environment: env)
        let listening = try #require(await server.waitForLine(containing: "trove listening on ", seconds: 60), "\(server.output)")
        let base = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let token = try await Self.login(base)
        var upload = URLRequest(url: URL(string: base + "/api/files?name=hang.pdf")!)
        upload.httpMethod = "POST"
        upload.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        upload.httpBody = Data("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)
        let pending = Task { try? await URLSession.shared.data(for: upload) }
        try await Task.sleep(for: .seconds(2))  // the upload is now waiting on the tool
        let signalled = Date()
        server.signal(SIGTERM)
        let status = await server.wait(seconds: 60)
        #expect(status == 0, "\(server.output.suffix(2000))")
        let exited = try #require(server.exitedAt)
        #expect(exited.timeIntervalSince(signalled) < 40, "shutdown waited on the upload")
        #expect(server.output.contains("database closed"))
        pending.cancel()
    }

    private static func login(_ base: String) async throws -> String {
        var request = URLRequest(url: URL(string: base + "/api/auth/login")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"username": "admin", "password": "stop-admin-password"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(json?["access_token"] as? String)
    }
}
