import Synchronization
import TroveStorage

/// A document hit of a vector search.
public struct DocumentHit: Sendable, Equatable {
    public let id: String
    public let score: Float
}

/// Searches one vector field over a snapshot: every segment's index (deleted documents
/// and the caller's filter applied inside the scan) plus an exact pass over the documents
/// not yet flushed, merged into one top-k. Opened segment indexes are kept in each
/// segment's memo.
public final class VectorSearcher: Sendable {
    public let spec: VectorFieldSpec
    let slot: Int
    let threads: Int

    /// `slot` is the field's position among the collection's vector fields.
    public init(spec: VectorFieldSpec, slot: Int, threads: Int = 2) {
        self.spec = spec
        self.slot = slot
        self.threads = threads
    }

    /// Per segment, the ordinals a filter allows (nil: all); per unflushed document, whether it passes.
    public typealias Filter = DocumentFilter

    public func search(_ snapshot: Snapshot, collection: String, queries: QueryBatch, k: Int,
                       nprobe: Int = IVFIndex.defaultNprobe, ef: Int? = nil, filter: Filter? = nil) throws -> [[DocumentHit]] {
        guard queries.matrix.dimension == spec.dimension else {
            throw VectorError.wrongDimension(expected: spec.dimension, found: queries.matrix.dimension, row: 0)
        }
        var merged = [TopK](repeating: TopK(k: k), count: queries.count)
        // Heap ids stand for addresses: a segment's row or an unflushed document.
        var located: [Int: RowAddress] = [:]
        var next = 0
        let segments = try snapshot.segments(of: collection)
        for (s, segment) in segments.enumerated() {
            guard let index = try index(for: segment) else { continue }
            var allowed = try filter?.segment(segment) ?? RowSet.all(segment.reader.docCount)
            allowed.subtract(bitmap: segment.deletes.words)
            for (q, hits) in index.search(queries, k: k, nprobe: nprobe, ef: ef, allowed: allowed, threads: threads).enumerated() {
                for h in hits {
                    located[next] = .segment(s, ordinal: h.id)
                    merged[q].push(id: next, score: h.score)
                    next += 1
                }
            }
        }
        var unflushed: [Document] = []
        try snapshot.forEachUnflushed(in: collection, hint: filter?.hint) { doc in
            // The filter first: it is cheap, and most unflushed documents are another tenant's.
            if filter?.document(doc) ?? true, case let .vector(v)? = doc[spec.field], (try? spec.validate(v)) != nil { unflushed.append(doc) }
            return true
        }
        let memoryHits = try searchUnflushed(unflushed, queries: queries, k: k)
        for (q, hits) in memoryHits.enumerated() {
            for h in hits {
                located[next] = .unflushed(h.id)
                merged[q].push(id: next, score: h.score)
                next += 1
            }
        }
        return try merged.map { heap in
            try heap.sorted().compactMap { hit in
                switch located[hit.id] {
                case let .segment(s, o)?: return DocumentHit(id: try segments[s].reader.id(at: o), score: hit.score)
                case let .unflushed(i)?: return DocumentHit(id: unflushed[i].id, score: hit.score)
                case nil: return nil
                }
            }
        }
    }

    private func searchUnflushed(_ docs: [Document], queries: QueryBatch, k: Int) throws -> [[VectorHit]] {
        guard !docs.isEmpty else { return Array(repeating: [], count: queries.count) }
        var values: [Float] = []
        values.reserveCapacity(docs.count * spec.dimension)
        for d in docs { if case let .vector(v)? = d[spec.field] { values += v } }
        let flat = try FlatIndex(vectors: values, dimension: spec.dimension, metric: spec.metric)
        return flat.search(queries, k: k, threads: 1)
    }

    /// The segment's index of this field, opened once and kept in the segment's memo
    /// (nil: the segment holds no vectors of it).
    private func index(for segment: SegmentView) throws -> VectorSegmentIndex? {
        try segment.memo.value(.init(VectorSegmentIndex.self, slot: slot)) {
            try VectorSegmentIndex.open(segment.reader, slot: slot, spec: spec)
        }
    }
}

extension VectorSearcher {
    /// The ordinals of `reader` that hold a vector in this field (its `VI` row ids): the
    /// rows of an `exists` filter.
    public func rowsWithVector(in reader: SegmentReader) throws -> RowSet {
        var rows = RowSet(capacity: reader.docCount)
        guard let ids = try reader.section(VectorSections.tag("VI", slot)) else { return rows }
        for i in 0..<(ids.count / 4) {
            let row = Int(UInt32(littleEndian: ids.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            if row < reader.docCount { rows.insert(row) }
        }
        return rows
    }
}
