import Logging
import ServiceLifecycle
import TroveChat

/// Abandons guided sessions whose idle time has run out: every `interval`, one query on
/// their `expires_at` column (`GuidedSessionService.sweep`), not a timer per session.
/// Reads see an expired session as abandoned before the sweep writes it.
public struct SessionSweeper: Service {
    let sessions: GuidedSessionService
    let interval: Duration
    let logger: Logger

    public init(sessions: GuidedSessionService, interval: Duration = .seconds(30), logger: Logger) {
        self.sessions = sessions
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    let swept = try await sessions.sweep()
                    if swept > 0 { logger.info("abandoned \(swept) idle guided sessions") }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("guided session sweep failed: \(error)")
                }
            }
        }
    }
}
