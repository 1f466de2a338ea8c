import Foundation
import Testing
import TroveTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client that stops reading `_export` halfway and hangs up: the server's reading
/// thread (named `trove-documents`) stops instead of waiting forever for a consumer,
/// and the server goes on answering, with the collection whole.
@Suite struct ExportDisconnectTests {
    static let documents = 12_000

    @Test func aClientHangingUpMidExportStopsTheReader() async throws {
        let standIn = try await StandInProcess.start(dimension: 16)
        defer { standIn.stop() }
        let dir = TempDirectory("trove-export-hangup")
        var env = ProcessInfo.processInfo.environment
        env["TROVE_ADMIN_PASSWORD"] = "export-admin-password"
        let (server, base) = try await standIn.serve(data: dir.sub("data"), model: "echo", environment: env)
        defer { server.signal(SIGKILL) }
        let token = try await Self.call(base, "POST", "/api/auth/login", body: #"{"username": "admin", "password": "export-admin-password"}"#)
            .json["access_token"] as? String
        let auth = try #require(token)
        _ = try await Self.call(base, "POST", "/api/collections", token: auth, body: #"{"name": "big", "schema": {"fields": [{"name": "body", "type": "text"}]}}"#)
        let filler = String(repeating: "heron marsh reed ", count: 60)
        for start in stride(from: 0, to: Self.documents, by: 4000) {
            let lines = (start..<(start + 4000)).flatMap { [#"{"index": {"_id": "d\#($0)"}}"#, #"{"body": "\#($0) \#(filler)"}"#] }
            let r = try await Self.call(base, "POST", "/api/collections/big/_bulk", token: auth, body: lines.joined(separator: "\n") + "\n", type: "application/x-ndjson")
            #expect(r.status == 200 && (r.json["errors"] as? Bool) == false)
        }
        let pid = server.pid
        #expect(Self.readers(pid) == 0)

        // About 12 MB of NDJSON; read 64 KB of it, stall until the reader is seen, hang up.
        let port = try #require(URL(string: base)?.port)
        let socket = try RawConnection(port: port, receiveBuffer: 16_384)
        socket.send("GET /api/collections/big/_export HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(auth)\r\n\r\n")
        let head = await socket.receive(atLeast: 65_536)
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head.prefix(200))")
        #expect(await Self.eventually { Self.readers(pid) == 1 }, "the reading thread is visible while the client stalls")
        socket.hangUp()
        #expect(await Self.eventually { Self.readers(pid) == 0 }, "the reader stopped after the client hung up")

        // The server still answers, and a full export still holds every document.
        let count = try await Self.call(base, "POST", "/api/collections/big/_count", token: auth, body: "{}")
        #expect(count.json["count"] as? Int == Self.documents)
        let full = try await Self.call(base, "GET", "/api/collections/big/_export", token: auth, body: nil)
        #expect(full.text.split(separator: "\n").count == Self.documents)
        #expect(Self.readers(pid) == 0)
    }

    /// Threads of `pid` named `trove-documents`.
    static func readers(_ pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { (try? String(contentsOfFile: "/proc/\(pid)/task/\($0)/comm", encoding: .utf8))?.hasPrefix("trove-documents") == true }.count
    }

    static func eventually(seconds: Double = 20, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    struct Answer {
        let status: Int
        let text: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    }

    static func call(_ base: String, _ method: String, _ path: String, token: String? = nil, body: String?, type: String = "application/json") async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: base + path)))
        request.httpMethod = method
        request.timeoutInterval = 120
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue(type, forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, text: String(decoding: data, as: UTF8.self))
    }
}
