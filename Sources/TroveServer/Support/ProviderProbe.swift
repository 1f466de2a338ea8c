import Foundation
import TroveChat
import TroveRemote

/// Whether the chat provider answers, asked at most once per `freshSeconds` however often
/// /health is called: /health is public, and every call must not become an outbound
/// request (an amplifier pointed at the provider).
actor ProviderProbe {
    private let settings: ChatSettings
    private let freshSeconds: Double
    private var last: (at: Double, ok: Bool)?
    private var running: Task<Bool, Never>?

    init(settings: ChatSettings, freshSeconds: Double = 30) {
        self.settings = settings
        self.freshSeconds = freshSeconds
    }

    /// The latest answer when fresh; otherwise one probe (2 s, no retries) shared by every
    /// caller that arrives while it runs.
    func isReachable(now: Double = Date().timeIntervalSince1970) async -> Bool {
        if let last, now - last.at < freshSeconds { return last.ok }
        if let running { return await running.value }
        let s = settings
        let task = Task<Bool, Never> {
            let probe = ChatModels.make(provider: s.provider, baseURL: s.llmURL, apiKey: s.llmAPIKey, call: HTTPCall(timeout: .seconds(2), retries: 0))
            return (try? await probe.models()) != nil
        }
        running = task
        let ok = await task.value
        // Re-read after the suspension: only the call that started the probe records it.
        if running == task {
            last = (now, ok)
            running = nil
        }
        return ok
    }
}
