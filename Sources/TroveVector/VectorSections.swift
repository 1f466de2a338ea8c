import TroveStorage

/// The sections a vector field adds to a segment (docs/FORMAT.md, "Vector sections").
/// Tags are two letters and the field's two-digit slot in the collection's vector fields:
///
/// - `VHnn` header: magic "TVEC", version, metric, dimension, segment docs, stored rows,
///   layout (0 flat, 1 IVF, 2 HNSW), nlist, SQ8 flag, HNSW m, trained-on count, then
///   HNSW ef_construction, entry point and top layer; 64 bytes.
/// - `VDnn` float32 rows (IVF: grouped by list, each list contiguous), 64-byte aligned
///   so BLAS reads them in place from the mapped file.
/// - `VInn` u32 segment ordinal of each stored row.
/// - `VNnn` float32 squared norms (L2 only).
/// - `VCnn` float32 centroids, `VLnn` u32 list offsets (nlist + 1), IVF only.
/// - `VQnn` SQ8: float32 minimum[d], step[d], then u8 codes in row order.
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
            w.u32(sq8 ? 1 : 0)
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
            let nlist = Int(try r.u32()), sq8 = try r.u32() == 1
            let m = Int(try r.u32())
            let trainedOn = try r.u64()
            guard trainedOn <= UInt64(UInt32.max) else { throw bad("impossible trained-on count") }
            var h = Header(metric: metric, dimension: dimension, docCount: docCount, rows: rows, ivf: layout == 1, nlist: nlist, sq8: sq8, trainedOn: Int(trainedOn))
            guard h.dimension > 0, h.rows <= h.docCount, !h.ivf || h.nlist > 0 else { throw bad("impossible sizes") }
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
        guard cb.count == h.nlist * h.dimension * 4 else {
            throw StorageError.corruption(file: reader.path, offset: reader.offset(of: tag("VC", slot)), reason: "centroid section holds \(cb.count) bytes for \(h.nlist) × \(h.dimension)")
        }
        // Copied, not borrowed: the registry outlives segments, and a borrowed pointer
        // would keep a retired segment's file mapped (and on disk) indefinitely.
        let centroids = try FloatMatrix(rows: h.nlist, dimension: h.dimension, values: Array(cb.bindMemory(to: Float.self)))
        return IVFQuantizer(centroids: centroids, metric: h.metric, trainedOn: h.trainedOn)
    }
}
