/// The English stopword list the `english` analyser removes (Lucene's classic English
/// set plus a few frequent function words). Stopwords are removed before stemming.
enum EnglishStopwords {
    static let words: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
        "they", "this", "to", "was", "will", "with", "i", "me", "my", "we", "our", "you", "your",
        "he", "him", "his", "she", "her", "its", "them", "what", "which", "who", "whom", "been",
        "being", "have", "has", "had", "do", "does", "did", "so", "than", "too", "very", "can",
        "from", "were", "would", "should", "could", "also", "about", "all", "any", "each",
    ]

    static func contains(_ word: String) -> Bool { words.contains(word) }

    /// The list packed as little-endian integers (every stopword is at most 8 bytes),
    /// in an open-addressed table, so the indexing path tests a token without a String.
    private static let packed: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 256)
        for w in words {
            var slot = Int(mix(pack(Array(w.utf8)))) & 255
            while table[slot] != 0 { slot = (slot + 1) & 255 }
            table[slot] = pack(Array(w.utf8))
        }
        return table
    }()

    @inline(__always)
    private static func pack(_ bytes: [UInt8]) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in bytes.enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        return v
    }

    @inline(__always)
    private static func mix(_ v: UInt64) -> UInt64 { (v &* 0x9E37_79B9_7F4A_7C15) >> 56 }

    static func contains(_ word: [UInt8]) -> Bool {
        guard !word.isEmpty, word.count <= 8 else { return false }
        let key = pack(word)
        var slot = Int(mix(key)) & 255
        while packed[slot] != 0 {
            if packed[slot] == key { return true }
            slot = (slot + 1) & 255
        }
        return false
    }
}
