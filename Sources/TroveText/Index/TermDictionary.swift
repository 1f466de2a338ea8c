import TroveStorage

/// What the dictionary records for a term in a segment.
struct TermInfo: Sendable, Equatable {
    var df: Int
    var postingsOffset: Int
    /// Offset of the term's positions, or nil when the field keeps none.
    var positionsOffset: Int?
    /// Largest tf and shortest field among its documents (the term's score bound).
    var maxTF: Int
    var minNorm: UInt8
}

/// A sorted term dictionary with front coding in blocks of 32 terms and a block index
/// for binary search (docs/FORMAT.md, "Text sections"):
///
///     u32 terms, u32 blocks, blocks × u32 offset (from the start of the block area)
///     per term: varint shared prefix, varint suffix length, suffix, varint df,
///               varint postings offset, varint positions offset + 1 (0: none),
///               varint max tf, u8 min norm
enum TermDictionary {
    static let blockTerms = 32

    static func encode(_ entries: [(term: [UInt8], info: TermInfo)]) -> [UInt8] {
        var blocks = ByteWriter()
        var offsets: [UInt32] = []
        var previous: [UInt8] = []
        for (i, e) in entries.enumerated() {
            var shared = 0
            if i % blockTerms == 0 {
                offsets.append(UInt32(blocks.count))
            } else {
                while shared < min(previous.count, e.term.count) && previous[shared] == e.term[shared] { shared += 1 }
            }
            blocks.varint(shared)
            blocks.varint(e.term.count - shared)
            blocks.raw(Array(e.term[shared...]))
            blocks.varint(e.info.df)
            blocks.varint(e.info.postingsOffset)
            blocks.varint(e.info.positionsOffset.map { $0 + 1 } ?? 0)
            blocks.varint(e.info.maxTF)
            blocks.u8(e.info.minNorm)
            previous = e.term
        }
        var w = ByteWriter(capacity: 8 + offsets.count * 4 + blocks.count)
        w.u32(UInt32(entries.count))
        w.u32(UInt32(offsets.count))
        for o in offsets { w.u32(o) }
        w.raw(blocks.bytes)
        return w.bytes
    }

    /// A read-only view over an encoded dictionary (borrowed from a mapped segment).
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        let termCount: Int
        let blockCount: Int
        let blockArea: Int

        init(_ bytes: UnsafeRawBufferPointer) throws {
            var r = ByteReader(bytes)
            termCount = Int(try r.u32())
            blockCount = Int(try r.u32())
            guard blockCount == (termCount + blockTerms - 1) / blockTerms, 8 + blockCount * 4 <= bytes.count else {
                throw DecodeError(offset: 0, reason: "term dictionary header disagrees with its size")
            }
            self.bytes = bytes
            blockArea = 8 + blockCount * 4
        }

        private func blockOffset(_ b: Int) -> Int {
            blockArea + Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 + b * 4, as: UInt32.self)))
        }

        /// Calls `body` with each term of block `b` onwards until it returns false.
        func scan(from b: Int, _ body: ([UInt8], TermInfo) throws -> Bool) throws {
            var term: [UInt8] = []
            var block = b
            while block < blockCount {
                var r = ByteReader(bytes, offset: blockOffset(block))
                let count = min(blockTerms, termCount - block * blockTerms)
                for _ in 0..<count {
                    let shared = try r.length(limit: term.count)
                    let suffix = try r.lengthPrefixed()
                    term.removeSubrange(shared...)
                    term.append(contentsOf: suffix)
                    let info = TermInfo(df: try r.length(), postingsOffset: try r.length(), positionsOffset: { let p = $0; return p == 0 ? nil : p - 1 }(try r.length()),
                                        maxTF: try r.length(), minNorm: try r.u8())
                    if try !body(term, info) { return }
                }
                block += 1
            }
        }

        /// The first term of block `b`.
        private func firstTerm(_ b: Int) throws -> [UInt8] {
            var r = ByteReader(bytes, offset: blockOffset(b))
            _ = try r.length()
            return [UInt8](try r.lengthPrefixed())
        }

        /// The block that would hold `term`.
        private func block(for term: [UInt8]) throws -> Int {
            var lo = 0, hi = blockCount - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if try firstTerm(mid).lexicographicallyPrecedes(term) || firstTerm(mid) == term { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }

        func lookup(_ term: [UInt8]) throws -> TermInfo? {
            guard blockCount > 0 else { return nil }
            var found: TermInfo?
            try scan(from: try block(for: term)) { t, info in
                if t == term { found = info; return false }
                return t.lexicographicallyPrecedes(term)
            }
            return found
        }

        /// Terms starting with `prefix`, at most `limit`, in order.
        func terms(withPrefix prefix: [UInt8], limit: Int) throws -> [([UInt8], TermInfo)] {
            guard blockCount > 0 else { return [] }
            var out: [([UInt8], TermInfo)] = []
            try scan(from: try block(for: prefix)) { t, info in
                if t.starts(with: prefix) { out.append((t, info)); return out.count < limit }
                return t.lexicographicallyPrecedes(prefix)
            }
            return out
        }
    }
}
