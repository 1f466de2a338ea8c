import Foundation
import TroveEngine
import TroveJSON
import TroveStorage

/// The query types of `trove bench mixed`.
enum QueryKind: Int, CaseIterable, Sendable {
    case text, vector, hybrid

    var name: String {
        switch self {
        case .text: return "text"
        case .vector: return "vector"
        case .hybrid: return "hybrid"
        }
    }
}

/// A generated message and the tenant it belongs to.
struct GeneratedMessage: Sendable {
    var owner: String
    var document: Document
}

/// Deterministic chat messages and queries for `trove bench mixed`. Message `i` is the
/// same for a given seed whichever batch makes it (each message has its own generator),
/// so loads and ingest batches of any size produce the same corpus.
///
/// - owner: one of `users` (uniform); conversation: one of 20 per user; role: user and
///   assistant alternating by message number.
/// - text: 8–40 pronounceable pseudo-words drawn Zipf-like (exponent 1) from a vocabulary
///   of 5,000 made of syllables.
/// - embedding: one of 256 random unit topic centroids plus Gaussian noise of norm about
///   0.8, normalised (cosine to its centroid ≈ 0.78).
/// - created_at: increasing with the message number over 90 days from 2025-01-01; messages
///   past `messages` (the ingest phase's) continue after the loaded ones.
/// - total_tokens: 10...2000.
struct MixedWorkload: Sendable {
    static let collection = "messages"
    static let vocabularySize = 5000
    static let topicCount = 256
    static let conversationsPerUser = 20
    /// Query words come from these Zipf ranks: neither stopword-like nor one-off.
    static let queryRanks = 10..<300
    /// 2025-01-01T00:00:00Z, microseconds since 1970.
    static let origin: Int64 = 1_735_689_600_000_000
    static let day: Int64 = 86_400_000_000
    static let span: Int64 = 90 * MixedWorkload.day

    let messages: Int
    let dimension: Int
    let users: Int
    let seed: UInt64
    let vocabulary: [String]
    /// Cumulative Zipf probabilities by rank; the last is 1.
    let zipf: [Double]
    /// `topicCount` unit vectors, row after row.
    let topics: [Float]
    /// Per-component standard deviation of the noise added to a topic.
    let noise: Float
    /// Microseconds between consecutive messages.
    let step: Int64

    init(messages: Int, dimension: Int, users: Int, seed: UInt64) {
        self.messages = messages
        self.dimension = dimension
        self.users = users
        self.seed = seed
        var rng = Self.generator(seed, index: 0, stream: 0)
        vocabulary = Self.makeVocabulary(Self.vocabularySize, rng: &rng)
        zipf = Self.zipfCDF(Self.vocabularySize, exponent: 1.0)
        var topics: [Float] = []
        topics.reserveCapacity(Self.topicCount * dimension)
        for _ in 0..<Self.topicCount { topics += Self.unit((0..<dimension).map { _ in Self.gaussian(&rng) }) }
        self.topics = topics
        noise = 0.8 / Float(dimension).squareRoot()
        step = max(1, Self.span / Int64(max(messages, 1)))
    }

    /// The collection's schema in the JSON that `trove collection create --schema` reads.
    var schemaJSON: String {
        """
        {"tenant": "owner", "fields": [{"name": "owner", "type": "keyword"}, {"name": "conversation", "type": "keyword"},
         {"name": "role", "type": "keyword"}, {"name": "text", "type": "text", "analyzer": "english", "phrases": false},
         {"name": "embedding", "type": "vector", "dimension": \(dimension), "metric": "cosine", "index": "ivf"},
         {"name": "created_at", "type": "timestamp"}, {"name": "total_tokens", "type": "int"}]}
        """
    }

    func ownerName(_ user: Int) -> String { "user\(user)" }

    /// Message number `i`; `owner` fixes its tenant (ingest batches are one user's).
    func message(_ i: Int, owner fixed: Int? = nil) -> GeneratedMessage {
        var rng = Self.generator(seed, index: UInt64(i), stream: 1)
        let user = fixed ?? Int(rng.next() % UInt64(users))
        let conversation = Int(rng.next() % UInt64(Self.conversationsPerUser))
        let wordCount = 8 + Int(rng.next() % 33)
        var words: [String] = []
        words.reserveCapacity(wordCount)
        for _ in 0..<wordCount { words.append(vocabulary[zipfRank(&rng)]) }
        let tokens = 10 + Int64(rng.next() % 1991)
        let topic = Int(rng.next() % UInt64(Self.topicCount))
        let owner = ownerName(user)
        let document = Document(id: "m\(i)", fields: [
            Field("owner", .string(owner)),
            Field("conversation", .string("\(owner)-c\(conversation)")),
            Field("role", .string(i % 2 == 0 ? "user" : "assistant")),
            Field("text", .string(words.joined(separator: " "))),
            Field("embedding", .vector(noisyTopic(topic, rng: &rng))),
            Field("created_at", .timestamp(Self.origin + Int64(i) * step)),
            Field("total_tokens", .int(tokens)),
        ])
        return GeneratedMessage(owner: owner, document: document)
    }

    /// `count` messages of one user, numbered from `first`.
    func batch(first: Int, count: Int, owner: Int) -> [Document] {
        (first..<(first + count)).map { message($0, owner: owner).document }
    }

    /// A query of `kind` for a random user: text + a 7–30 day window, a noisy topic
    /// vector, or both (hybrid, no window); top 10.
    func query(_ kind: QueryKind, rng: inout SplitMix64) -> (query: EngineQuery, tenant: String) {
        let tenant = ownerName(Int(rng.next() % UInt64(users)))
        switch kind {
        case .text:
            let length = Int64(7 + rng.next() % 24) * Self.day
            let from = Self.origin + Int64(rng.next() % UInt64(Self.span - length))
            let words = queryWords(&rng)
            return (EngineQuery(text: words, filters: [.range(field: "created_at", from: from, to: from + length)], limit: 10), tenant)
        case .vector:
            let topic = Int(rng.next() % UInt64(Self.topicCount))
            return (EngineQuery(vector: noisyTopic(topic, rng: &rng), limit: 10), tenant)
        case .hybrid:
            let words = queryWords(&rng)
            let topic = Int(rng.next() % UInt64(Self.topicCount))
            return (EngineQuery(text: words, vector: noisyTopic(topic, rng: &rng), limit: 10), tenant)
        }
    }

    /// 1–3 mid-frequency vocabulary words.
    private func queryWords(_ rng: inout SplitMix64) -> String {
        let count = 1 + Int(rng.next() % 3)
        let band = UInt64(Self.queryRanks.count)
        return (0..<count).map { _ in vocabulary[Self.queryRanks.lowerBound + Int(rng.next() % band)] }.joined(separator: " ")
    }

    /// A topic centroid plus noise, normalised.
    func noisyTopic(_ topic: Int, rng: inout SplitMix64) -> [Float] {
        let base = topic * dimension
        var v = [Float](repeating: 0, count: dimension)
        for j in 0..<dimension { v[j] = topics[base + j] + noise * Self.gaussian(&rng) }
        return Self.unit(v)
    }

    /// A Zipf rank: binary search of a uniform draw in the cumulative probabilities.
    private func zipfRank(_ rng: inout SplitMix64) -> Int {
        let u = Double(rng.next() >> 11) * 0x1p-53
        var lo = 0, hi = zipf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if zipf[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    // MARK: Building blocks

    /// An independent generator for (seed, stream, index): the inputs are mixed so that
    /// neighbouring indexes do not get overlapping sequences.
    static func generator(_ seed: UInt64, index: UInt64, stream: UInt64) -> SplitMix64 {
        var a = SplitMix64(state: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        var b = SplitMix64(state: a.next() ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(state: b.next())
    }

    /// About N(0, 1): the sum of four 16-bit uniforms of one draw, centred and scaled
    /// (Irwin–Hall; one generator call per value, no logarithms).
    @inline(__always)
    static func gaussian(_ rng: inout SplitMix64) -> Float {
        let r = rng.next()
        let sum = Float(r & 0xFFFF) + Float((r >> 16) & 0xFFFF) + Float((r >> 32) & 0xFFFF) + Float(r >> 48)
        return (sum / 65536 - 2) * 1.732_050_8
    }

    static func unit(_ v: [Float]) -> [Float] {
        var norm: Float = 0
        for x in v { norm += x * x }
        guard norm > 0 else {
            var e = [Float](repeating: 0, count: v.count)
            if !e.isEmpty { e[0] = 1 }
            return e
        }
        let scale = 1 / norm.squareRoot()
        return v.map { $0 * scale }
    }

    static func zipfCDF(_ n: Int, exponent: Double) -> [Double] {
        var cdf = [Double](repeating: 0, count: n)
        var total = 0.0
        for r in 0..<n {
            total += 1 / pow(Double(r + 1), exponent)
            cdf[r] = total
        }
        for r in 0..<n { cdf[r] /= total }
        cdf[n - 1] = 1
        return cdf
    }

    /// Distinct pronounceable words: 2–3 consonant-vowel syllables and an optional ending.
    static func makeVocabulary(_ count: Int, rng: inout SplitMix64) -> [String] {
        let onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
                      "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
        let endings = ["", "", "", "n", "r", "l", "m", "nd", "st", "x"]
        func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
        var seen = Set<String>()
        var words: [String] = []
        words.reserveCapacity(count)
        while words.count < count {
            var word = ""
            for _ in 0..<(2 + Int(rng.next() % 2)) { word += pick(onsets) + pick(vowels) }
            word += pick(endings)
            if seen.insert(word).inserted { words.append(word) }
        }
        return words
    }
}

/// Per query type: latencies in microseconds and hits returned.
struct LatencyLog: Sendable {
    var micros: [[Double]] = Array(repeating: [], count: QueryKind.allCases.count)
    var hits = [Int](repeating: 0, count: QueryKind.allCases.count)

    mutating func record(_ kind: QueryKind, micros value: Double, hits n: Int) {
        micros[kind.rawValue].append(value)
        hits[kind.rawValue] += n
    }

    mutating func merge(_ other: LatencyLog) {
        for k in micros.indices {
            micros[k] += other.micros[k]
            hits[k] += other.hits[k]
        }
    }
}

/// What the ingest task did in its phase.
struct IngestResult: Sendable {
    var docs = 0
    var batches = 0
    /// 50 ms slots dropped because the task fell more than a slot behind.
    var skippedSlots = 0
    var putMicros: [Double] = []
}

struct PhaseResult: Sendable {
    var seconds: Double
    var log = LatencyLog()
    var ingest: IngestResult?
}
