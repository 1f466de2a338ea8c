/// One piece of a split text.
public struct TextChunk: Sendable, Equatable {
    /// The chunk's position in the split, from 0.
    public var number: Int
    /// The chunk's text: exactly the input's UTF-8 bytes `start..<end`, which never begin or
    /// end with whitespace.
    public var text: String
    /// UTF-8 byte offset of the chunk's first byte in the input.
    public var start: Int
    /// UTF-8 byte offset just past the chunk's last byte in the input.
    public var end: Int

    public init(number: Int, text: String, start: Int, end: Int) {
        self.number = number
        self.text = text
        self.start = start
        self.end = end
    }
}

/// Splits text into chunks of at most `chunkTokens` tokens for embedding and retrieval.
///
/// The text is first broken at the most natural boundary that gives pieces small enough:
/// paragraphs, then sentences, then words, then characters (for a word longer than a
/// chunk). Adjacent pieces are merged greedily into chunks, and each chunk after the first
/// begins with the last sentences (or words) of the one before, up to `overlapTokens`, so
/// a passage cut at a chunk boundary is still whole in one of them.
///
/// Each piece is counted once and sums decide the merging; each chunk's text is counted
/// once more to confirm it, because text between pieces can add tokens. The work is linear
/// in the length of the text.
public struct TextSplitter: Sendable {
    public let chunkTokens: Int
    public let overlapTokens: Int
    public let counter: any TokenCounter

    /// - Throws: `IngestionError.badSplitSettings` unless `chunkTokens` ≥ 8 and
    ///   0 ≤ `overlapTokens` < `chunkTokens` / 2 (a larger overlap would make most of every
    ///   chunk a repeat of the one before).
    public init(
        chunkTokens: Int = 256, overlapTokens: Int = 32, counter: any TokenCounter = EstimatingTokenCounter()
    ) throws(IngestionError) {
        guard chunkTokens >= 8 else {
            throw .badSplitSettings(
                chunkTokens: chunkTokens, overlapTokens: overlapTokens, reason: "a chunk must hold at least 8 tokens")
        }
        guard overlapTokens >= 0, overlapTokens * 2 < chunkTokens else {
            throw .badSplitSettings(
                chunkTokens: chunkTokens, overlapTokens: overlapTokens,
                reason: "the overlap must be at least 0 and less than half the chunk size")
        }
        self.chunkTokens = chunkTokens
        self.overlapTokens = overlapTokens
        self.counter = counter
    }

    /// The chunks of `text`, in order; none when it holds only whitespace. Every chunk counts
    /// at most `chunkTokens` tokens, except one made of a single character that alone counts
    /// more; every non-whitespace character of `text` is in at least one chunk.
    public func split(_ text: String) -> [TextChunk] {
        var run = Run(splitter: self, segmenter: TextSegmenter(Array(text.utf8)))
        return run.chunks()
    }
}

extension TextSplitter {
    /// A piece that is never split further while merging: a byte range and its token count.
    private struct Piece {
        var range: Range<Int>
        var tokens: Int
    }

    private enum Level { case paragraph, sentence, word }

    /// One call to `split`: the text's bytes and the pieces found in them.
    private struct Run {
        let splitter: TextSplitter
        let segmenter: TextSegmenter
        var pieces: [Piece] = []

        init(splitter: TextSplitter, segmenter: TextSegmenter) {
            self.splitter = splitter
            self.segmenter = segmenter
        }

        private var limit: Int { splitter.chunkTokens }

        private func count(_ range: Range<Int>) -> Int {
            splitter.counter.count(segmenter.string(range))
        }

        mutating func chunks() -> [TextChunk] {
            for paragraph in segmenter.paragraphs(in: 0..<segmenter.bytes.count) {
                addPieces(of: paragraph, level: .paragraph, tokens: nil)
            }
            var result: [TextChunk] = []
            var next = 0
            var overlap: (start: Int, tokens: Int)?
            while next < pieces.count {
                let ownStart = pieces[next].range.lowerBound
                var start = overlap?.start ?? ownStart
                var total = overlap?.tokens ?? 0
                var end = next
                while end < pieces.count, total + pieces[end].tokens <= limit {
                    total += pieces[end].tokens
                    end += 1
                }
                // Only an oversized single character fits nowhere; it goes alone.
                if end == next {
                    start = ownStart
                    end = next + 1
                }
                var actual = count(start..<pieces[end - 1].range.upperBound)
                while actual > limit {
                    if end - next > 1 {
                        var excess = actual - limit
                        repeat {
                            end -= 1
                            excess -= pieces[end].tokens
                        } while excess > 0 && end - next > 1
                    } else if start != ownStart {
                        start = ownStart
                    } else {
                        break
                    }
                    actual = count(start..<pieces[end - 1].range.upperBound)
                }
                let stop = pieces[end - 1].range.upperBound
                result.append(TextChunk(number: result.count, text: segmenter.string(start..<stop), start: start, end: stop))
                next = end
                if next < pieces.count {
                    // The overlap must leave room for the next piece, or the chunk would not advance.
                    let budget = min(splitter.overlapTokens, limit - pieces[next].tokens)
                    overlap = overlapStart(chunk: start..<stop, budget: budget)
                }
            }
            return result
        }

        /// Adds `range` as one piece if it fits in a chunk, else the pieces of its parts at
        /// the next finer level.
        private mutating func addPieces(of range: Range<Int>, level: Level, tokens known: Int?) {
            let tokens = known ?? count(range)
            if tokens <= limit {
                pieces.append(Piece(range: range, tokens: tokens))
                return
            }
            switch level {
            case .paragraph:
                let sentences = segmenter.sentences(in: range)
                let same = sentences.count == 1 && sentences[0] == range
                for sentence in sentences {
                    addPieces(of: sentence, level: .sentence, tokens: same ? tokens : nil)
                }
            case .sentence:
                let words = segmenter.words(in: range)
                if words.count == 1 && words[0] == range {
                    cutCharacters(range)
                } else {
                    for word in words { addPieces(of: word, level: .word, tokens: nil) }
                }
            case .word:
                cutCharacters(range)
            }
        }

        /// Cuts a word too long for a chunk at character boundaries into the longest pieces
        /// that fit, found by doubling then halving so each piece costs a few counts.
        private mutating func cutCharacters(_ range: Range<Int>) {
            let bounds = segmenter.characterBoundaries(in: range)
            let last = bounds.count - 1
            var from = 0
            while from < last {
                var good = from + 1  // one character always goes, even if it alone is too many
                var goodTokens = count(bounds[from]..<bounds[good])
                var step = 1
                var bad = last + 1
                while good < last {
                    let probe = min(last, good + step)
                    let tokens = count(bounds[from]..<bounds[probe])
                    if tokens <= limit {
                        good = probe
                        goodTokens = tokens
                        step *= 2
                    } else {
                        bad = probe
                        break
                    }
                }
                while bad - good > 1 {
                    let middle = (good + bad) / 2
                    let tokens = count(bounds[from]..<bounds[middle])
                    if tokens <= limit {
                        good = middle
                        goodTokens = tokens
                    } else {
                        bad = middle
                    }
                }
                pieces.append(Piece(range: bounds[from]..<bounds[good], tokens: goodTokens))
                from = good
            }
        }

        /// Where the next chunk starts: the earliest start of the chunk's trailing sentences
        /// that fit in `budget`, or failing that of its last sentence's trailing words; never
        /// the chunk's own start. Nil when not even one word fits.
        private func overlapStart(chunk: Range<Int>, budget: Int) -> (start: Int, tokens: Int)? {
            guard budget > 0 else { return nil }
            let sentences = segmenter.sentences(in: chunk)
            if let found = trailing(sentences, of: chunk, budget: budget) { return found }
            guard let lastSentence = sentences.last else { return nil }
            return trailing(segmenter.words(in: lastSentence), of: chunk, budget: budget)
        }

        /// The earliest of `parts`' trailing members whose text up to the chunk's end counts at
        /// most `budget`. Members are counted one by one and summed; the joined text is then
        /// counted to confirm, dropping members from the front while it is over.
        private func trailing(_ parts: [Range<Int>], of chunk: Range<Int>, budget: Int) -> (start: Int, tokens: Int)? {
            var sum = 0
            var first: Int?
            for index in parts.indices.reversed() {
                guard parts[index].lowerBound > chunk.lowerBound else { break }
                sum += count(parts[index])
                if sum > budget { break }
                first = index
            }
            guard var index = first else { return nil }
            while index < parts.count {
                let tokens = count(parts[index].lowerBound..<chunk.upperBound)
                if tokens <= budget { return (parts[index].lowerBound, tokens) }
                index += 1
            }
            return nil
        }
    }
}
