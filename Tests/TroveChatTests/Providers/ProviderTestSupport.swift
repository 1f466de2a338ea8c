import Testing
import TroveChat

// Shared by the three provider clients' tests: draining a stream, catching the typed
// error, and naming its case.

struct Streamed {
    var deltas: [String] = []
    var completions: [ChatCompletion] = []
    var doneIsLast = false
}

func drain(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>) async throws -> Streamed {
    var out = Streamed()
    var last: ChatStreamEvent?
    for try await event in stream {
        switch event {
        case let .delta(text): out.deltas.append(text)
        case let .done(completion): out.completions.append(completion)
        }
        last = event
    }
    if case .done? = last { out.doneIsLast = true }
    return out
}

/// The `ChatModelError` `body` throws; nil (and a recorded issue) for anything else.
func failure(_ body: () async throws -> Void) async -> ChatModelError? {
    do {
        try await body()
        Issue.record("no error was thrown")
    } catch let error as ChatModelError {
        return error
    } catch {
        Issue.record("not a ChatModelError: \(error)")
    }
    return nil
}

func caseName(_ error: ChatModelError?) -> String {
    switch error {
    case .unreachable?: return "unreachable"
    case .timedOut?: return "timedOut"
    case .unauthorized?: return "unauthorized"
    case .modelNotFound?: return "modelNotFound"
    case .rateLimited?: return "rateLimited"
    case .status?: return "status"
    case .malformed?: return "malformed"
    case .notConfigured?: return "notConfigured"
    case nil: return "none"
    }
}
