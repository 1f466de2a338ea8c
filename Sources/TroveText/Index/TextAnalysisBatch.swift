import Dispatch
import Foundation

/// The text fields of a run of consecutive documents, analysed on every core: each lane
/// inverts a contiguous share of the documents into its own term table, and the shares
/// are then folded into the segment's fields in document order. Analysis is most of what
/// a flush or a merge costs; done on one thread, it held the writer for that long.
struct TextAnalysisBatch {
    /// The text of each document (in order) for each text field slot, nil when absent.
    private var texts: [[String?]]
    private let specs: [TextFieldSpec]
    private(set) var firstOrdinal: Int
    private(set) var count = 0

    /// Documents held before a batch is analysed: enough that each lane's work dwarfs the
    /// cost of starting it.
    static let capacity = 8192

    init(specs: [TextFieldSpec], firstOrdinal: Int) {
        self.specs = specs
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
        let lanes = count >= 64 ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) : 1
        let bounds = (0...lanes).map { $0 * count / lanes }
        var out = [[Share]](repeating: [], count: lanes)
        let (texts, specs, first) = (self.texts, self.specs, firstOrdinal)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let results = buffer
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                results[lane] = specs.indices.map { slot in
                    Self.invert(texts[slot][bounds[lane]..<bounds[lane + 1]], spec: specs[slot], firstOrdinal: first + bounds[lane])
                }
            }
        }
        return specs.indices.map { slot in out.map { $0[slot] } }
    }

    private static func invert(_ texts: ArraySlice<String?>, spec: TextFieldSpec, firstOrdinal: Int) -> Share {
        var share = Share()
        share.tokenCounts.reserveCapacity(texts.count)
        // Each distinct word is normalised (stopword test, stemming) and interned once:
        // later occurrences cost one lookup of the word as written.
        var surfaces = TermTable()
        var surfaceTerms: [Int32] = []
        var scratch: [UInt8] = []
        for (k, text) in texts.enumerated() {
            guard let text else {
                share.tokenCounts.append(-1)
                continue
            }
            let doc = UInt32(firstOrdinal + k)
            var n = 0
            func occurrence(_ term: Int, _ position: Int) {
                share.occurrenceTerms.append(UInt32(term))
                share.occurrenceDocs.append(doc)
                if spec.positions { share.occurrencePositions.append(UInt32(position)) }
                n += 1
            }
            if spec.analyzer == .keyword {
                spec.analyzer.forEachTerm(text) { term, position in occurrence(share.terms.intern(term), position) }
            } else {
                Tokenizer.forEachWord(text) { word, position in
                    let surface = surfaces.intern(word)
                    if surface == surfaceTerms.count {
                        scratch = Array(word)
                        let kept = spec.analyzer.normalize(&scratch)
                        surfaceTerms.append(kept ? Int32(scratch.withUnsafeBufferPointer { share.terms.intern($0) }) : -1)
                    }
                    let term = surfaceTerms[surface]
                    if term >= 0 { occurrence(Int(term), position) }
                }
            }
            share.tokenCounts.append(n)
            share.documentsWithField += 1
        }
        return share
    }
}
