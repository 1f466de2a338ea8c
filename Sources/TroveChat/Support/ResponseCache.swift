import TroveJSON

/// Remembers chat model answers for a while, so that asking exactly the same thing again
/// (same model, turns, sampling settings and tools) is answered without a model call. Only
/// worth turning on where repeats are expected and a fresh sample is not wanted, e.g.
/// temperature 0 evaluation runs; what to store is the caller's choice.
///
/// Requests are keyed by the SHA-256 of a canonical encoding of every field that shapes
/// the answer, so the cache holds 32-byte keys, not conversations.
public final class ResponseCache: Sendable {
    /// How long an answer stays usable after it was stored.
    public let ttl: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries: LRUCache<TextKey, Entry>

    private struct Entry: Sendable {
        var completion: ChatCompletion
        var expires: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - ttl: how long a stored answer is served.
    ///   - capacity: the most answers kept; the least recently used go first.
    ///   - now: the clock, injectable so tests need not wait for expiry.
    public init(ttl: Duration, capacity: Int = 1000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.ttl = ttl
        self.now = now
        self.entries = LRUCache(capacity: capacity)
    }

    /// The stored answer to `request` if there is one younger than the TTL. An expired
    /// answer is removed and counts as a miss.
    public func get(_ request: ChatRequest) -> ChatCompletion? {
        let now = self.now()
        return entries.get(Self.key(for: request), where: { now < $0.expires })?.completion
    }

    /// Stores `completion` as the answer to `request`, replacing any earlier one.
    public func put(_ request: ChatRequest, _ completion: ChatCompletion) {
        entries.put(Self.key(for: request), Entry(completion: completion, expires: now() + ttl))
    }

    /// How many answers are stored, expired ones not yet looked up included.
    public var count: Int { entries.count }

    /// Lookups answered from the cache and lookups that were not.
    public var stats: (hits: Int, misses: Int) { entries.stats }

    /// Forgets every stored answer.
    public func removeAll() { entries.removeAll() }

    /// The cache key of `request`: SHA-256 of its canonical encoding.
    static func key(for request: ChatRequest) -> TextKey {
        var encoder = CanonicalEncoder()
        encoder.string("trove.response-cache.v1")
        encoder.string(request.model)
        encoder.count(request.messages.count)
        for turn in request.messages {
            encoder.string(turn.role.rawValue)
            encoder.string(turn.content)
            encoder.count(turn.toolCalls.count)
            for call in turn.toolCalls {
                encoder.string(call.id)
                encoder.string(call.name)
                encoder.string(call.arguments)
            }
            encoder.optionalString(turn.toolCallID)
            encoder.optionalString(turn.name)
        }
        encoder.optionalDouble(request.temperature)
        encoder.optionalDouble(request.topP)
        encoder.optionalInt(request.maxTokens)
        encoder.count(request.tools.count)
        for tool in request.tools {
            encoder.string(tool.name)
            encoder.string(tool.description)
            encoder.json(tool.parameters)
        }
        return TextKey(hashing: encoder.bytes)
    }
}

/// A byte encoding in which two different sequences of values never give the same bytes:
/// every string carries its length, every optional a presence tag, every list its count,
/// and every JSON value a type tag. Plain concatenation would let `("ab", "c")` and
/// `("a", "bc")` collide.
private struct CanonicalEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func count(_ n: Int) {
        word(UInt64(truncatingIfNeeded: n))
    }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func optionalString(_ s: String?) {
        guard let s else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        string(s)
    }

    mutating func optionalDouble(_ x: Double?) {
        guard let x else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        word(x.bitPattern)
    }

    mutating func optionalInt(_ n: Int?) {
        guard let n else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        count(n)
    }

    mutating func json(_ value: JSONValue) {
        switch value {
        case .null:
            bytes.append(0)
        case let .bool(b):
            bytes.append(b ? 2 : 1)
        case let .int(i):
            bytes.append(3)
            word(UInt64(bitPattern: i))
        case let .double(d):
            bytes.append(4)
            word(d.bitPattern)
        case let .string(s):
            bytes.append(5)
            string(s)
        case let .array(items):
            bytes.append(6)
            count(items.count)
            for item in items { json(item) }
        case let .object(members):
            // Member order is kept: reordered schemas are rare and a miss costs one call.
            bytes.append(7)
            count(members.count)
            for member in members {
                string(member.key)
                json(member.value)
            }
        }
    }

    private mutating func word(_ w: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: w >> UInt64(shift)))
        }
    }
}
