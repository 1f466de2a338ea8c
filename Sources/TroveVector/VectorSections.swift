import TroveStorage

/// The sections a vector field adds to a segment (docs/FORMAT.md, "Vector sections").
/// Tags are two letters and the field's two-digit slot in the collection's vector fields:
///
/// - `VHnn` header: magic "TVEC", version, metric, dimension, segment docs, stored rows,
///   layout (0 flat, 1 IVF, 2 HNSW), nlist, list codes (0 none, 1 SQ8, 2 PQ), HNSW m or
///   PQ subquantizers, trained-on count, then
///   HNSW ef_construction, entry point and top layer; 64 bytes.
/// - `VDnn` float32 rows (IVF: grouped by list, each list contiguous), 64-byte aligned
///   so BLAS reads them in place from the mapped file.
/// - `VInn` u32 segment ordinal of each stored row.
/// - `VNnn` float32 squared norms (L2 only).
/// - `VCnn` float32 centroids, `VLnn` u32 list offsets (nlist + 1), IVF only.
/// - `VSnn` spilled rows (IVF without codes, when any spill): u32 entry offsets per list
///   (nlist + 1), then each entry's u32 position in list order (`SpilledRows`).
/// - `VQnn` SQ8: float32 minimum[d], step[d], then u8 codes in row order.
/// - `VRnn` PQ: float32 rotation R (d × d, row-major), `VBnn` float32 codebooks
///   (m × 256 × d/m), `VKnn` u8 codes (m per row, list order), `VMnn` float32 squared
///   norms of the reconstructions (L2 only).
/// - `VGnn`, `VPnn`, `VUnn` HNSW (rows in row order, as flat): the bottom layer's links,
///   each node's start in the upper links (nodes + 1 u32), the upper layers' links
///   (see `HNSWLinks`).
enum VectorSections {
    static let magic: [UInt8] = Array("TVEC".utf8)
    static let version: UInt32 = 1

    static func tag(_ prefix: StaticString, _ slot: Int) -> SectionTag { SectionTag(prefix: prefix, slot: slot) }

    struct Header {
        var metric: VectorMetric
        var dimension: Int
        var docCount: Int
        var rows: Int
        var ivf: Bool
        var nlist: Int
        var sq8: Bool
        var trainedOn: Int
        /// IVF-PQ: residuals stored as `m` one-byte codes.
        var pq = false
        /// HNSW layout: its parameters and where a search starts.
        var graph = false
        var m = 0
        var efConstruction = 0
        var entry = 0
        var topLayer = 0

        func encode() -> [UInt8] {
            var w = ByteWriter(capacity: 64)
            w.raw(VectorSections.magic)
            w.u32(VectorSections.version)
            w.u32(metric.code)
            w.u32(UInt32(dimension))
            w.u32(UInt32(docCount))
            w.u32(UInt32(rows))
            w.u32(graph ? 2 : ivf ? 1 : 0)
            w.u32(UInt32(nlist))
            w.u32(sq8 ? 1 : pq ? 2 : 0)
            w.u32(UInt32(m))
            w.u64(UInt64(trainedOn))
            w.u32(UInt32(efConstruction))
            w.u32(UInt32(entry))
            w.u32(UInt32(topLayer))
            w.pad(to: 64)
            return w.bytes
        }

        static func decode(_ bytes: UnsafeRawBufferPointer, path: String, at offset: Int64) throws -> Header {
            func bad(_ why: String) -> StorageError { .corruption(file: path, offset: offset, reason: "vector header: \(why)") }
            guard bytes.count == 64, Array(bytes[0..<4]) == VectorSections.magic else { throw bad("bad magic or size") }
            var r = ByteReader(bytes, offset: 4)
            let v = try r.u32()
            guard v == VectorSections.version else { throw StorageError.unsupportedVersion(file: path, found: v, supported: VectorSections.version) }
            guard let metric = VectorMetric(code: try r.u32()) else { throw bad("unknown metric") }
            let dimension = Int(try r.u32()), docCount = Int(try r.u32()), rows = Int(try r.u32())
            let layout = try r.u32()
            guard layout <= 2 else { throw bad("unknown layout \(layout)") }
            let nlist = Int(try r.u32()), codes = try r.u32()
            guard codes <= 2, codes == 0 || layout == 1 else { throw bad("unknown list codes \(codes)") }
            let sq8 = codes == 1
            let m = Int(try r.u32())
            let trainedOn = try r.u64()
            guard trainedOn <= UInt64(UInt32.max) else { throw bad("impossible trained-on count") }
            var h = Header(metric: metric, dimension: dimension, docCount: docCount, rows: rows, ivf: layout == 1, nlist: nlist, sq8: sq8, trainedOn: Int(trainedOn))
            guard h.dimension > 0, h.rows <= h.docCount, !h.ivf || h.nlist > 0 else { throw bad("impossible sizes") }
            if codes == 2 {
                guard ProductQuantizer.valid(subquantizers: m, dimension: dimension) else { throw bad("\(m) PQ subquantizers for \(dimension) dimensions") }
                h.pq = true
                h.m = m
            }
            if layout == 2 {
                h.graph = true
                h.m = m
                h.efConstruction = Int(try r.u32())
                h.entry = Int(try r.u32())
                h.topLayer = Int(try r.u32())
                guard HNSWParameters.mRange.contains(m), HNSWParameters.efRange.contains(h.efConstruction),
                      h.entry < max(h.rows, 1), h.topLayer <= 16 else { throw bad("impossible HNSW parameters") }
            }
            return h
        }
    }

    /// The quantizer stored in a segment, if it has one for this slot.
    static func readQuantizer(_ reader: SegmentReader, slot: Int, spec: VectorFieldSpec) throws -> IVFQuantizer? {
        guard let hb = try reader.section(tag("VH", slot)) else { return nil }
        let h = try Header.decode(hb, path: reader.path, at: reader.offset(of: tag("VH", slot)))
        guard h.ivf, let cb = try reader.section(tag("VC", slot)) else { return nil }
        // Checked before any size is computed from the header: a 32-bit dimension and nlist
        // read from a file could overflow `nlist · dimension · 4`.
        guard h.dimension == spec.dimension, h.metric == spec.metric else {
            throw StorageError.corruption(file: reader.path, offset: reader.offset(of: tag("VH", slot)),
                                          reason: "vector field '\(spec.field)' stored as \(h.dimension)-d \(h.metric.rawValue), schema says \(spec.dimension)-d \(spec.metric.rawValue)")
        }
        guard cb.count == h.nlist * h.dimension * 4 else {
            throw StorageError.corruption(file: reader.path, offset: reader.offset(of: tag("VC", slot)), reason: "centroid section holds \(cb.count) bytes for \(h.nlist) × \(h.dimension)")
        }
        // Copied, not borrowed: the registry outlives segments, and a borrowed pointer
        // would keep a retired segment's file mapped (and on disk) indefinitely.
        let centroids = try FloatMatrix(rows: h.nlist, dimension: h.dimension, values: try finite(cb, reader, tag("VC", slot)))
        let pq = h.pq ? try readProductQuantizer(reader, slot: slot, header: h) : nil
        return IVFQuantizer(centroids: centroids, metric: h.metric, trainedOn: h.trainedOn, residualCodes: pq)
    }

    /// The rotation and codebooks of an IVF-PQ field (copied, like the centroids).
    private static func readProductQuantizer(_ reader: SegmentReader, slot: Int, header h: VectorSections.Header) throws -> ProductQuantizer {
        let d = h.dimension, m = h.m
        func floats(_ prefix: StaticString, count: Int) throws -> [Float] {
            guard let s = try reader.section(tag(prefix, slot)), s.count == count * 4 else {
                throw StorageError.corruption(file: reader.path, offset: reader.offset(of: tag(prefix, slot)), reason: "PQ section \(prefix) missing or not \(count * 4) bytes")
            }
            return try finite(s, reader, tag(prefix, slot))
        }
        let rotation = try FloatMatrix(rows: d, dimension: d, values: try floats("VR", count: d * d))
        let books = try FloatMatrix(rows: m * ProductQuantizer.codewords, dimension: d / m, values: try floats("VB", count: m * ProductQuantizer.codewords * (d / m)))
        return ProductQuantizer(codebooks: books, rotation: rotation, subquantizers: m)
    }

    /// The floats of a trained section, refused when any is NaN or infinite: such a file
    /// passes its checksum yet would turn every score into NaN.
    private static func finite(_ bytes: UnsafeRawBufferPointer, _ reader: SegmentReader, _ t: SectionTag) throws -> [Float] {
        let values = (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        guard values.allSatisfy(\.isFinite) else {
            throw StorageError.corruption(file: reader.path, offset: reader.offset(of: t), reason: "trained vector section holds a value that is not finite")
        }
        return values
    }
}
