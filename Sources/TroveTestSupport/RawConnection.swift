import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the server, to send what no HTTP client would: half a
/// request, then nothing. Its waits block, so they run on a thread of their own: the
/// server under test answers on the cooperative pool of this same process.
public final class RawConnection: @unchecked Sendable {
    public let fd: Int32
    private var isOpen = true

    /// `receiveBuffer` (bytes) shrinks the socket's receive buffer, so that a server's
    /// writes back up soon after the test stops reading.
    public init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { hangUp() }

    /// Closes the connection now (the server sees the client go).
    public func hangUp() {
        if isOpen { close(fd) }
        isOpen = false
    }

    public func send(_ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Sends a whole request that asks the server to close after answering, and returns
    /// everything the server sent until then.
    public func exchange(_ request: String, within seconds: Double = 10) async -> String {
        await onThread { self.exchangeBlocking(request, within: seconds) }
    }

    private func exchangeBlocking(_ request: String, within seconds: Double) -> String {
        send(request)
        return receiveBlocking(atLeast: .max, within: seconds)
    }

    /// Whether the server closed the connection within `seconds` (bytes it sends first,
    /// such as an error answer, are read and skipped).
    public func closedByServer(within seconds: Double) async -> Bool {
        await onThread { self.closedBlocking(within: seconds) }
    }

    /// At least `count` bytes (fewer only if the server closes first or `seconds` pass).
    public func receive(atLeast count: Int, within seconds: Double = 30) async -> String {
        await onThread { self.receiveBlocking(atLeast: count, within: seconds) }
    }

    private func receiveBlocking(atLeast count: Int, within seconds: Double) -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let deadline = Date().addingTimeInterval(seconds)
        while out.count < count, Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
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
public func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { done in Thread.detachNewThread { done.resume(returning: body()) } }
}
