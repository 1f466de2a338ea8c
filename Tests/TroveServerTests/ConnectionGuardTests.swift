import Foundation
import Hummingbird
import Testing
@testable import TroveServer

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the server, to send what no HTTP client would: half a
/// request, then nothing. Its waits block, so they run on a thread of their own: the
/// server under test answers on the cooperative pool of this same process.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Sends a whole request that asks the server to close after answering, and returns
    /// everything the server sent until then.
    func exchange(_ request: String, within seconds: Double = 10) async -> String {
        await onThread { self.exchangeBlocking(request, within: seconds) }
    }

    private func exchangeBlocking(_ request: String, within seconds: Double) -> String {
        send(request)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the server closed the connection within `seconds` (bytes it sends first,
    /// such as an error answer, are read and skipped).
    func closedByServer(within seconds: Double) async -> Bool {
        await onThread { self.closedBlocking(within: seconds) }
    }

    private func closedBlocking(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return true }
        }
        return false
    }
}

/// Runs `body` on a new thread and waits for it without holding a pool thread.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { done in Thread.detachNewThread { done.resume(returning: body()) } }
}

@Suite struct ConnectionGuardTests {
    @Test func aRequestDribbledSlowerThanTheReadDeadlineIsCutOff() async throws {
        let h = try await ServerHarness(settings: { $0.requestReadSeconds = 1 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let port = try #require(c.client.port)
            let slow = try RawConnection(port: port)
            slow.send("GET /health HTTP/1.1\r\nHost: x\r\n")  // the head never ends
            #expect(await slow.closedByServer(within: 5), "a half-sent request held its connection")
            let body = try RawConnection(port: port)
            body.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"user")
            #expect(await body.closedByServer(within: 5), "a half-sent body held its connection")
            // A whole request on a fresh connection is answered as usual.
            let whole = try await RawConnection(port: port).exchange("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(whole.hasPrefix("HTTP/1.1 200"), "\(whole.prefix(200))")
        }
    }

    @Test func connectionsPastTheCapAreClosedAtOnce() async throws {
        let h = try await ServerHarness(settings: { $0.maxConnections = 3; $0.requestReadSeconds = 30 })
        defer { Task { await h.stop() } }
        try await h.run { c in
            let port = try #require(c.client.port)
            // Six connections against a cap of three (the test client may hold one of its own).
            let held = try (0..<6).map { _ in try RawConnection(port: port) }
            var closed: [Bool] = []
            for conn in held { closed.append(await conn.closedByServer(within: 3)) }
            #expect(closed.filter { !$0 }.count <= 3 && closed.filter { $0 }.count >= 3, "open past the cap: \(closed)")
            // Which ones are refused is not promised: connections are spread over event
            // loops, so the order their guards run in is not the order they were opened.
            #expect(closed.contains(false), "connections under the cap stay open")
            withExtendedLifetime(held) {}
        }
    }
}
