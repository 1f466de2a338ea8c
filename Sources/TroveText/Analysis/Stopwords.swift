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
}
