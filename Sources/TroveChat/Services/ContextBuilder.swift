/// The turns sent to the model for one user message, fitted to the model's context:
/// the agent's system prompt, then the newest history that fits, then the retrieved
/// passages with their citation numbers, then the user message. The budget is the
/// context size minus the tokens reserved for the reply; history is a sliding window —
/// older messages are dropped whole, never cut, and a gap is never left in the middle.
struct ContextBuilder: Sendable {
    let counter: any TokenCounter
    /// Tokens a message costs beyond its text (role markers, separators).
    static let perMessageOverhead = 4

    struct Result: Sendable {
        var turns: [ChatTurn]
        /// The tokens the turns take, by `counter`.
        var tokens: Int
        /// History messages that did not fit.
        var droppedHistory: Int
        /// Passages actually included (the others were trimmed off to fit).
        var sources: [Source]
    }

    func cost(_ text: String) -> Int { counter.count(text) + Self.perMessageOverhead }

    /// `history` is oldest first. Fixed parts come first: system prompt and user message
    /// always go in; passages are trimmed (last first) to fit; history fills what is left.
    func build(systemPrompt: String, history: [ChatMessage], sources: [Source], user: String, contextBudget: Int, replyReserve: Int) -> Result {
        let budget = max(0, contextBudget - replyReserve)
        var used = cost(user) + (systemPrompt.isEmpty ? 0 : cost(systemPrompt))
        var kept = sources
        var passages = Self.passagesText(kept)
        while !kept.isEmpty, used + cost(passages) > budget {
            kept.removeLast()
            passages = Self.passagesText(kept)
        }
        if !kept.isEmpty { used += cost(passages) }
        var window: [ChatTurn] = []
        var dropped = 0
        for (i, message) in history.reversed().enumerated() {
            let c = cost(message.content)
            guard used + c <= budget else {
                dropped = history.count - i
                break
            }
            used += c
            window.append(ChatTurn(role: message.role, content: message.content))
        }
        // A window must not open with an assistant reply whose question was dropped.
        while window.last?.role == .assistant, dropped > 0 {
            used -= cost(window.removeLast().content)
            dropped += 1
        }
        var turns: [ChatTurn] = []
        if !systemPrompt.isEmpty { turns.append(.system(systemPrompt)) }
        turns += window.reversed()
        if !kept.isEmpty { turns.append(.system(passages)) }
        turns.append(.user(user))
        return Result(turns: turns, tokens: used, droppedHistory: dropped, sources: kept)
    }

    /// The passages as the model sees them: numbered so that the answer can cite `[n]`.
    static func passagesText(_ sources: [Source]) -> String {
        guard !sources.isEmpty else { return "" }
        var text = "Answer using the numbered sources below when they are relevant, and cite them as [n].\n"
        for s in sources {
            text += "\n[\(s.number)] \(s.fileName) (chunk \(s.chunk)):\n\(s.text)\n"
        }
        return text
    }
}
