import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A helper program run to completion with posix_spawn and waited for by polling
/// `waitpid`, so a raised `CancellationFlag` or a deadline stops it within a tenth of a
/// second. (Foundation's `Process` reports an exit through a SIGCHLD handler on a shared
/// queue, which a busy process can deliver tens of seconds late.)
struct ToolProcess {
    enum Outcome: Equatable { case exited(Int32), signalled(Int32), cancelled, timedOut }

    /// Runs `path` with `arguments`, stdin from /dev/null, stdout to /dev/null, stderr to
    /// `stderrPath`. Nil when the program could not be started.
    static func run(_ path: String, _ arguments: [String], stderrPath: String, timeoutSeconds: Int, cancel: CancellationFlag) -> Outcome? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // The server ignores SIGTERM and SIGINT for its graceful shutdown, and a child
        // inherits ignored signals: without resetting them, the SIGTERM below would be
        // ignored and every stop would wait out the grace period before SIGKILL.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), unblocked = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attributes, argv, environ) == 0 else { return nil }
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        while true {
            if let status = reap(pid) { return status }
            let stop: Outcome? = cancel.isRaised ? .cancelled : (Date() >= deadline ? .timedOut : nil)
            if let stop {
                kill(pid, SIGTERM)
                for _ in 0..<50 where reap(pid) == nil { usleep(100_000) }
                if reap(pid) == nil {
                    kill(pid, SIGKILL)
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                }
                return stop
            }
            usleep(100_000)
        }
    }

    /// The child's end, if it has ended (it is then reaped).
    private static func reap(_ pid: pid_t) -> Outcome? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return r < 0 ? .signalled(0) : nil }
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }
}
