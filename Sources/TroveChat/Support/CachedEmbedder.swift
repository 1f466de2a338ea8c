import TroveEmbed

/// An embedder that remembers the vectors of texts it has embedded, so that re-ingesting a
/// file or asking the same question again costs no model call. Texts are keyed by their
/// SHA-256, and the least recently used vectors are dropped past `capacity`.
public struct CachedEmbedder: Embedder {
    /// The embedder that computes what is not cached.
    public let inner: any Embedder
    private let cache: LRUCache<TextKey, [Float]>

    public var modelName: String { inner.modelName }
    public var dimension: Int { inner.dimension }

    /// Caches up to `capacity` vectors of `inner`'s (10,000 MiniLM vectors take about 15 MB).
    public init(_ inner: any Embedder, capacity: Int = 10_000) {
        self.inner = inner
        self.cache = LRUCache(capacity: capacity)
    }

    /// How many vectors are cached.
    public var count: Int { cache.count }

    /// Texts found in the cache and texts that were not (each distinct text of a batch is
    /// looked up once).
    public var stats: (hits: Int, misses: Int) { cache.stats }

    /// Forgets every cached vector.
    public func removeAll() { cache.removeAll() }

    /// One vector per text, in input order. Only the distinct texts not cached go to the
    /// inner embedder, in one call; an empty batch or a batch of cached texts makes none.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var results = [[Float]?](repeating: nil, count: texts.count)
        var missTexts: [String] = []
        var missKeys: [TextKey] = []
        // Which missing text each key was sent as, so a repeated text rides along once.
        var missIndex: [TextKey: Int] = [:]
        // (input position, index into missTexts) for every position still to fill.
        var pending: [(input: Int, miss: Int)] = []

        for (position, text) in texts.enumerated() {
            let key = TextKey(text: text)
            if let miss = missIndex[key] {
                pending.append((position, miss))
            } else if let vector = cache.get(key) {
                results[position] = vector
            } else {
                missIndex[key] = missTexts.count
                pending.append((position, missTexts.count))
                missTexts.append(text)
                missKeys.append(key)
            }
        }

        if !missTexts.isEmpty {
            let vectors = try await inner.embed(missTexts)
            // Checked rather than trusted: a short answer would otherwise crash the lookup
            // below or cache a vector under the wrong text.
            guard vectors.count == missTexts.count else {
                throw EmbedderError.endpointResponse(
                    url: "embedder \(inner.modelName)",
                    problem: "returned \(vectors.count) vectors for \(missTexts.count) texts")
            }
            for (key, vector) in zip(missKeys, vectors) { cache.put(key, vector) }
            for (position, miss) in pending { results[position] = vectors[miss] }
        }
        return results.map { $0 ?? [] }
    }
}
