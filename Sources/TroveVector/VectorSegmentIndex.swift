import TroveStorage

/// A segment's vector index for one field, read in place from the mapped sections:
/// no copy of the float rows, no retraining. Hits carry segment ordinals.
struct VectorSegmentIndex: Sendable {
    enum Kind: Sendable { case flat(FlatIndex), ivf(IVFIndex), graph(HNSWIndex), empty }

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
        if h.graph {
            let graph = try openGraph(reader, slot: slot, spec: spec, header: h, rows: rows, ids: ids, norms: norms ?? [])
            return VectorSegmentIndex(kind: .graph(graph), docCount: h.docCount)
        }
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
        var pqCodes: [UInt8] = [], pqNorms: [Float] = []
        if h.pq {
            guard quantizer.residualCodes?.subquantizers == h.m else { throw bad("IVF-PQ layout without its quantizer", "VB") }
            pqCodes = Array(try section("VK", bytes: h.rows * h.m))
            if spec.metric == .l2 { pqNorms = Array(try section("VM", bytes: h.rows * 4).bindMemory(to: Float.self)) }
        }
        let spill = try openSpill(reader, slot: slot, listOffsets: offsets, plain: !h.sq8 && !h.pq)
        let ivf = IVFIndex(quantizer: quantizer, offsets: offsets, ids: ids, rows: rows, norms: norms, sq8: sq8, codes: codes,
                           pqCodes: pqCodes, pqNorms: pqNorms, rerank: spec.codes.rerank, spill: spill)
        return VectorSegmentIndex(kind: .ivf(ivf), docCount: h.docCount)
    }

    /// The spilled rows of a plain IVF field (nil when its segment has none), checked entry
    /// by entry: a section valid by checksum but wrong in its values is a corruption error.
    private static func openSpill(_ reader: SegmentReader, slot: Int, listOffsets: [Int], plain: Bool) throws -> SpilledRows? {
        let tag = VectorSections.tag("VS", slot)
        guard let s = try reader.section(tag) else { return nil }
        func bad(_ why: String) -> StorageError { .corruption(file: reader.path, offset: reader.offset(of: tag), reason: "spilled rows: \(why)") }
        guard plain else { throw bad("only a plain IVF layout spills") }
        let words = s.count / 4
        guard s.count % 4 == 0, words >= listOffsets.count else { throw bad("\(s.count) bytes for \(listOffsets.count) offsets") }
        let values = (0..<words).map { Int(UInt32(littleEndian: s.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        let offsets = Array(values[0..<listOffsets.count])
        let positions = values[listOffsets.count...].map { Int32(truncatingIfNeeded: $0) }
        guard values[listOffsets.count...].allSatisfy({ $0 <= Int(Int32.max) }) else { throw bad("a position out of range") }
        if let why = SpilledRows.validate(offsets: offsets, positions: positions, listOffsets: listOffsets) { throw bad(why) }
        return SpilledRows(offsets: offsets, positions: positions, listOffsets: listOffsets)
    }

    /// The graph's three link sections, checked value by value before any search reads them.
    private static func openGraph(_ reader: SegmentReader, slot: Int, spec: VectorFieldSpec, header h: VectorSections.Header,
                                  rows: FloatMatrix, ids: [Int32], norms: [Float]) throws -> HNSWIndex {
        func section(_ prefix: StaticString, count: Int) throws -> UnsafePointer<UInt32> {
            let s = try reader.section(VectorSections.tag(prefix, slot))
            guard count == 0 || (s?.count == count * 4 && s?.baseAddress != nil) else {
                throw StorageError.corruption(file: reader.path, offset: reader.offset(of: VectorSections.tag(prefix, slot)),
                                              reason: "vector field '\(spec.field)': section \(prefix) missing or not \(count * 4) bytes")
            }
            guard let base = s?.baseAddress, count > 0 else { return UnsafePointer(emptyLinks) }
            return base.assumingMemoryBound(to: UInt32.self)
        }
        let m = h.m
        let bottom = try section("VG", count: h.rows * (1 + 2 * m))
        let upperStart = try section("VP", count: h.rows + 1)
        let upper = try section("VU", count: Int(upperStart[h.rows]))
        let links = HNSWLinks(nodes: h.rows, m: m, bottom: bottom, upperStart: upperStart, upper: upper, entry: h.entry, topLayer: h.topLayer, owner: reader)
        if let why = links.validate() {
            throw StorageError.corruption(file: reader.path, offset: reader.offset(of: VectorSections.tag("VG", slot)), reason: "vector field '\(spec.field)': HNSW graph: \(why)")
        }
        let identity = ids.enumerated().allSatisfy { $0.offset == Int($0.element) }
        var parameters = spec.graph
        parameters.m = m
        parameters.efConstruction = h.efConstruction
        return HNSWIndex(rows: rows, ids: identity ? nil : ids, norms: norms, links: links, metric: spec.metric, parameters: parameters)
    }

    func search(_ queries: QueryBatch, k: Int, nprobe: Int, ef: Int? = nil, allowed: RowSet, threads: Int) -> [[VectorHit]] {
        switch kind {
        case let .flat(f): return f.search(queries, k: k, allowed: allowed, threads: threads)
        case let .ivf(i): return i.search(queries, k: k, nprobe: nprobe, allowed: allowed, threads: threads)
        case let .graph(g): return g.search(queries, k: k, ef: ef, allowed: allowed, threads: threads)
        case .empty: return Array(repeating: [], count: queries.count)
        }
    }
}

/// A valid pointer for link sections that hold nothing (a graph with no upper layers).
private nonisolated(unsafe) let emptyLinks: UnsafeMutablePointer<UInt32> = {
    let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
}()
