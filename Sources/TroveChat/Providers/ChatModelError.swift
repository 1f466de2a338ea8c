/// Why a chat model call failed. Every case names the provider and says what to check.
public enum ChatModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing answers at the URL (connection refused, no route, DNS).
    case unreachable(provider: String, url: String, reason: String)
    case timedOut(provider: String, url: String, seconds: Double)
    /// 401/403: the key is missing or wrong.
    case unauthorized(provider: String, url: String, message: String)
    /// 404 for the model, or the provider says it does not know it.
    case modelNotFound(provider: String, model: String, message: String)
    /// 429 after every retry.
    case rateLimited(provider: String, message: String)
    /// Any other non-2xx answer.
    case status(provider: String, code: Int, message: String)
    /// The answer was not the provider's wire format.
    case malformed(provider: String, detail: String)
    /// No provider is configured or the setting names an unknown one.
    case notConfigured(String)

    public var description: String {
        switch self {
        case let .unreachable(p, url, reason):
            return "the \(p) chat provider at \(url) cannot be reached (\(reason)); start it, or set TROVE_LLM_PROVIDER (openai | ollama | anthropic), TROVE_LLM_URL, TROVE_LLM_MODEL and TROVE_LLM_API_KEY (or --llm-provider, --llm-url, --llm-model, --llm-api-key)"
        case let .timedOut(p, url, s): return "the \(p) chat provider at \(url) gave no answer within \(s) s"
        case let .unauthorized(p, url, m): return "the \(p) chat provider at \(url) refused the API key (\(m)); set TROVE_LLM_API_KEY"
        case let .modelNotFound(p, model, m): return "the \(p) chat provider has no model '\(model)' (\(m)); set TROVE_LLM_MODEL"
        case let .rateLimited(p, m): return "the \(p) chat provider kept answering 429 (rate limited): \(m)"
        case let .status(p, code, m): return "the \(p) chat provider answered \(code): \(m)"
        case let .malformed(p, d): return "the \(p) chat provider sent an answer that is not its wire format: \(d)"
        case let .notConfigured(why): return why
        }
    }
}
