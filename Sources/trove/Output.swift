#if canImport(Glibc)
import Glibc
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#elseif canImport(Darwin)
import Darwin
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif
import TroveJSON

/// Buffered writes to standard output (export prints millions of lines).
final class StandardOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 20) }

    func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                let n = posixWrite(1, base + done, raw.count - done)
                if n <= 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    line.withUnsafeBytes { raw in
        if let base = raw.baseAddress { _ = posixWrite(2, base, raw.count) }
    }
}

/// A JSON object's text from ordered members (CLI summaries).
func jsonLine(_ members: [(String, JSONValue)]) -> String {
    JSONWriter.string(.object(members.map { JSONMember($0.0, $0.1) }))
}

/// Seconds since an arbitrary point, for rates.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// True when standard error is a terminal (progress bars only then).
var stderrIsTerminal: Bool { isatty(2) == 1 }
