import Dispatch
import Foundation
import Synchronization

/// The text fields of a run of consecutive documents, analysed on every core: each lane
/// inverts a contiguous share of the documents into its own term table, and the shares
/// are then folded into the segment's fields in document order. Analysis is most of what
/// a flush or a merge costs; done on one thread, it held the writer for that long.
struct TextAnalysisBatch {
    /// The text of each document (in order) for each text field slot, nil when absent.
    private var texts: [[String?]]
    private let specs: [TextFieldSpec]
    /// Threads the batch may use; 1 analyses on the caller's thread alone.
    private let lanes: Int
    private(set) var firstOrdinal: Int
    private(set) var count = 0

    /// Documents held before a batch is analysed: enough that each lane's work dwarfs the
    /// cost of starting it.
    static let capacity = 8192

    init(specs: [TextFieldSpec], firstOrdinal: Int, lanes: Int) {
        self.specs = specs
        self.lanes = max(1, lanes)
        self.firstOrdinal = firstOrdinal
        texts = Array(repeating: [], count: specs.count)
    }

    var isFull: Bool { count >= Self.capacity }

    mutating func append(_ fieldTexts: [String?]) {
        for slot in specs.indices { texts[slot].append(fieldTexts[slot]) }
        count += 1
    }

    /// One lane's inversion of its share of one field.
    struct Share {
        var terms = TermTable()
        var occurrenceTerms: [UInt32] = []
        var occurrenceDocs: [UInt32] = []
        var occurrencePositions: [UInt32] = []
        /// Per document of the share, in order: its token count.
        var tokenCounts: [Int] = []
        var documentsWithField = 0
    }

    /// Analyses the batch; returns per field slot the shares in document order.
    func analyse() -> [[Share]] {
        let lanes = count >= 64 ? self.lanes : 1
        let bounds = (0...lanes).map { $0 * count / lanes }
        let (texts, specs, first) = (self.texts, self.specs, firstOrdinal)
        guard lanes > 1 else {
            return specs.indices.map { slot in [Self.invert(texts[slot][0..<count], spec: specs[slot], firstOrdinal: first)] }
        }
        // Helper lanes get threads of their own rather than `concurrentPerform`: a caller on
        // a pool thread would otherwise wait for helpers queued behind the threads it blocks.
        let results = Mutex([[Share]](repeating: [], count: lanes))
        let done = DispatchSemaphore(value: 0)
        for lane in 1..<lanes {
            Thread {
                let shares = specs.indices.map { slot in
                    Self.invert(texts[slot][bounds[lane]..<bounds[lane + 1]], spec: specs[slot], firstOrdinal: first + bounds[lane])
                }
                results.withLock { $0[lane] = shares }
                done.signal()
            }.start()
        }
        let own = specs.indices.map { slot in Self.invert(texts[slot][0..<bounds[1]], spec: specs[slot], firstOrdinal: first) }
        for _ in 1..<lanes { done.wait() }
        let out = results.withLock { r in
            r[0] = own
            return r
        }
        return specs.indices.map { slot in out.map { $0[slot] } }
    }

    private static func invert(_ texts: ArraySlice<String?>, spec: TextFieldSpec, firstOrdinal: Int) -> Share {
        var inverter = Inverter(analyzer: spec.analyzer, positions: spec.positions)
        inverter.share.tokenCounts.reserveCapacity(texts.count)
        for (k, text) in texts.enumerated() {
            guard let text else {
                inverter.share.tokenCounts.append(-1)
                continue
            }
            inverter.doc = UInt32(firstOrdinal + k)
            inverter.tokens = 0
            if spec.analyzer == .keyword {
                spec.analyzer.forEachTerm(text) { term, position in
                    let id = inverter.share.terms.intern(term)
                    inverter.occurrence(id, at: position)
                }
            } else {
                Tokenizer.forEachWord(text, into: &inverter)
            }
            inverter.share.tokenCounts.append(inverter.tokens)
            inverter.share.documentsWithField += 1
        }
        return inverter.share
    }

    /// One lane's state while it inverts a share, fed word by word by the tokenizer.
    /// Each distinct word is normalised (stopword test, stemming) and interned once:
    /// later occurrences cost one lookup of the word as written.
    private struct Inverter: WordSink {
        var share = Share()
        var surfaces = TermTable()
        /// Per surface word: its term's id in `share.terms`, −1 for a stopword.
        var surfaceTerms: [Int32] = []
        var scratch: [UInt8] = []
        let analyzer: Analyzer
        let positions: Bool
        var doc: UInt32 = 0
        var tokens = 0

        init(analyzer: Analyzer, positions: Bool) {
            self.analyzer = analyzer
            self.positions = positions
        }

        mutating func word(_ word: UnsafeBufferPointer<UInt8>, at position: Int) {
            let surface = surfaces.intern(word)
            if surface == surfaceTerms.count {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: word)
                let kept = analyzer.normalize(&scratch)
                surfaceTerms.append(kept ? Int32(scratch.withUnsafeBufferPointer { share.terms.intern($0) }) : -1)
            }
            let term = surfaceTerms[surface]
            if term >= 0 { occurrence(Int(term), at: position) }
        }

        mutating func occurrence(_ term: Int, at position: Int) {
            share.occurrenceTerms.append(UInt32(term))
            share.occurrenceDocs.append(doc)
            if positions { share.occurrencePositions.append(UInt32(position)) }
            tokens += 1
        }
    }
}
