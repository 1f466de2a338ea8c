import TroveStorage

/// A segment's vector index for one field, read in place from the mapped sections:
/// no copy of the float rows, no retraining. Hits carry segment ordinals.
struct VectorSegmentIndex: Sendable {
    enum Kind: Sendable { case flat(FlatIndex), ivf(IVFIndex), empty }

    let kind: Kind
    let docCount: Int

    /// Opens the field's sections; nil when the segment has none (written before the
    /// field existed).
    static func open(_ reader: SegmentReader, slot: Int, spec: VectorFieldSpec) throws -> VectorSegmentIndex? {
        guard let hb = try reader.section(VectorSections.tag("VH", slot)) else { return nil }
        let headerOffset = reader.offset(of: VectorSections.tag("VH", slot))
        let h = try VectorSections.Header.decode(hb, path: reader.path, at: headerOffset)
        func bad(_ why: String, _ prefix: StaticString = "VH") -> StorageError {
            .corruption(file: reader.path, offset: reader.offset(of: VectorSections.tag(prefix, slot)), reason: "vector field '\(spec.field)': \(why)")
        }
        guard h.dimension == spec.dimension, h.metric == spec.metric else {
            throw bad("stored as \(h.dimension)-d \(h.metric.rawValue), schema says \(spec.dimension)-d \(spec.metric.rawValue)")
        }
        guard h.docCount == reader.docCount else { throw bad("header counts \(h.docCount) documents, segment has \(reader.docCount)") }
        if h.rows == 0 { return VectorSegmentIndex(kind: .empty, docCount: h.docCount) }
        func section(_ prefix: StaticString, bytes: Int) throws -> UnsafeRawBufferPointer {
            guard let s = try reader.section(VectorSections.tag(prefix, slot)), s.count == bytes, let _ = s.baseAddress else {
                throw bad("section \(prefix) missing or not \(bytes) bytes", prefix)
            }
            return s
        }
        let d = h.dimension
        let rows = FloatMatrix(rows: h.rows, dimension: d, base: try section("VD", bytes: h.rows * d * 4).baseAddress!.assumingMemoryBound(to: Float.self), owner: reader)
        let idBytes = try section("VI", bytes: h.rows * 4)
        let ids = (0..<h.rows).map { Int32(bitPattern: UInt32(littleEndian: idBytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        guard ids.allSatisfy({ $0 >= 0 && Int($0) < h.docCount }) else { throw bad("row ids outside the segment", "VI") }
        let norms: [Float]? = spec.metric == .l2 ? Array(try section("VN", bytes: h.rows * 4).bindMemory(to: Float.self)) : nil
        guard h.ivf else {
            let identity = ids.enumerated().allSatisfy { $0.offset == Int($0.element) }
            return VectorSegmentIndex(kind: .flat(FlatIndex(data: rows, metric: spec.metric, rowIDs: identity ? nil : ids.map(Int.init), norms: norms)), docCount: h.docCount)
        }
        guard let quantizer = try VectorSections.readQuantizer(reader, slot: slot, spec: spec) else { throw bad("IVF layout without centroids") }
        let offBytes = try section("VL", bytes: (h.nlist + 1) * 4)
        let offsets = (0...h.nlist).map { Int(UInt32(littleEndian: offBytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        guard offsets.first == 0, offsets.last == h.rows, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw bad("list offsets out of order", "VL") }
        var sq8: ScalarQuantizer?
        var codes: [UInt8] = []
        if h.sq8 {
            let q = try section("VQ", bytes: 8 * d + h.rows * d)
            let f = q.bindMemory(to: Float.self)
            sq8 = ScalarQuantizer(minimum: Array(f[0..<d]), step: Array(f[d..<(2 * d)]))
            codes = Array(q[(8 * d)...])
        }
        let ivf = IVFIndex(quantizer: quantizer, offsets: offsets, ids: ids, rows: rows, norms: norms, sq8: sq8, codes: codes)
        return VectorSegmentIndex(kind: .ivf(ivf), docCount: h.docCount)
    }

    func search(_ queries: QueryBatch, k: Int, nprobe: Int, allowed: RowSet, threads: Int) -> [[VectorHit]] {
        switch kind {
        case let .flat(f): return f.search(queries, k: k, allowed: allowed, threads: threads)
        case let .ivf(i): return i.search(queries, k: k, nprobe: nprobe, allowed: allowed, threads: threads)
        case .empty: return Array(repeating: [], count: queries.count)
        }
    }
}
