import TroveStorage

/// Adds vector sections to every new segment of collections with vector fields.
public struct VectorSegmentExtension: SegmentExtension {
    public var name: String { "trove.vector" }
    /// The vector fields of a collection, from its metadata (the engine's schema).
    public let specs: @Sendable (String, [UInt8]) -> [VectorFieldSpec]
    public let registry: QuantizerRegistry
    let threads: Int

    public init(registry: QuantizerRegistry, threads: Int = 2, specs: @escaping @Sendable (String, [UInt8]) -> [VectorFieldSpec]) {
        self.registry = registry
        self.specs = specs
        self.threads = threads
    }

    public func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)? {
        let fields = Array(specs(collection, metadata).prefix(VectorFieldSpec.maximumFields))
        guard !fields.isEmpty else { return nil }
        return VectorSectionBuilder(collection: collection, fields: fields, registry: registry, threads: threads)
    }

    /// A vector field holding anything but a valid vector of its dimension is refused.
    public func validate(_ document: Document, collection: String, metadata: [UInt8]) throws {
        for spec in specs(collection, metadata) {
            guard let value = document[spec.field] else { continue }
            guard case let .vector(v) = value else {
                throw VectorError.invalidParameter("field '\(spec.field)' of document '\(document.id)' must be a vector of \(spec.dimension) floats")
            }
            do { try spec.validate(v) } catch {
                throw VectorError.invalidParameter("field '\(spec.field)' of document '\(document.id)': \(error)")
            }
        }
    }

    /// Loads the trained quantizers from the segments, so reopening never retrains.
    public func storeDidOpen(_ snapshot: Snapshot) throws {
        try registry.load(from: snapshot, specs: specs)
    }
}

/// Collects each vector field's values in ordinal order and writes its sections: flat
/// while there are too few vectors to train on, IVF (optionally SQ8) after.
final class VectorSectionBuilder: SegmentSectionBuilder {
    private let collection: String
    private let fields: [VectorFieldSpec]
    private let registry: QuantizerRegistry
    private let threads: Int
    private var values: [[Float]]
    private var ordinals: [[UInt32]]
    private var docCount = 0

    init(collection: String, fields: [VectorFieldSpec], registry: QuantizerRegistry, threads: Int) {
        self.collection = collection
        self.fields = fields
        self.registry = registry
        self.threads = threads
        values = Array(repeating: [], count: fields.count)
        ordinals = Array(repeating: [], count: fields.count)
    }

    func add(ordinal: Int, document: Document) throws {
        docCount = ordinal + 1
        for (slot, spec) in fields.enumerated() {
            // The engine validates vectors before they are written; one that is not valid
            // here (a schema changed since) is left out rather than failing the flush.
            guard case let .vector(v)? = document[spec.field], (try? spec.validate(v)) != nil else { continue }
            values[slot].append(contentsOf: v)
            ordinals[slot].append(UInt32(ordinal))
        }
    }

    func finish() throws -> [(tag: SectionTag, bytes: [UInt8])] {
        var out: [(tag: SectionTag, bytes: [UInt8])] = []
        for (slot, spec) in fields.enumerated() { out += try sections(slot: slot, spec: spec) }
        return out
    }

    private func sections(slot: Int, spec: VectorFieldSpec) throws -> [(tag: SectionTag, bytes: [UInt8])] {
        let d = spec.dimension
        let prepared = try QueryBatch.prepare(values[slot], dimension: d, metric: spec.metric)
        let data = try FloatMatrix(rows: ordinals[slot].count, dimension: d, values: prepared)
        var header = VectorSections.Header(metric: spec.metric, dimension: d, docCount: docCount, rows: data.rows, ivf: false, nlist: 0, sq8: false, trainedOn: 0)
        guard spec.index != .flat, data.rows >= VectorFieldSpec.minimumTrainingVectors else {
            return [(VectorSections.tag("VH", slot), header.encode()), (VectorSections.tag("VD", slot), floats(data)),
                    (VectorSections.tag("VI", slot), u32s(ordinals[slot])), (VectorSections.tag("VN", slot), norms(spec, data))]
                .filter { !$0.1.isEmpty || $0.0 == VectorSections.tag("VD", slot) }
        }
        if spec.index == .hnsw { return graphSections(slot: slot, spec: spec, data: data, header: header) }
        let quantizer = currentQuantizer(spec: spec, data: data)
        let ivf = IVFIndex(data: data, quantizer: quantizer, sq8: spec.index == .ivfSQ8, spill: spec.spill, threads: threads)
        header.ivf = true
        header.nlist = quantizer.nlist
        header.sq8 = ivf.usesSQ8
        header.pq = ivf.usesPQ
        header.m = ivf.pq?.subquantizers ?? 0
        header.trainedOn = quantizer.trainedOn
        var result: [(tag: SectionTag, bytes: [UInt8])] = [
            (VectorSections.tag("VH", slot), header.encode()),
            (VectorSections.tag("VD", slot), floats(ivf.rows)),
            (VectorSections.tag("VI", slot), u32s(ivf.ids.map { ordinals[slot][Int($0)] })),
            (VectorSections.tag("VC", slot), floats(quantizer.centroids)),
            (VectorSections.tag("VL", slot), u32s(ivf.offsets.map { UInt32($0) })),
        ]
        if spec.metric == .l2 { result.append((VectorSections.tag("VN", slot), floatArray(ivf.norms))) }
        if let spill = ivf.spill {
            result.append((VectorSections.tag("VS", slot), u32s(spill.offsets.map { UInt32($0) } + spill.positions.map { UInt32($0) })))
        }
        if let sq = ivf.sq8 {
            var w = ByteWriter(capacity: 8 * d + ivf.codes.count)
            for x in sq.minimum { w.f32(x) }
            for x in sq.step { w.f32(x) }
            w.raw(ivf.codes)
            result.append((VectorSections.tag("VQ", slot), w.bytes))
        }
        if let pq = ivf.pq {
            result += [(VectorSections.tag("VR", slot), floats(pq.rotation)), (VectorSections.tag("VB", slot), floats(pq.codebooks)),
                       (VectorSections.tag("VK", slot), ivf.pqCodes)]
            if spec.metric == .l2 { result.append((VectorSections.tag("VM", slot), floatArray(ivf.pqNorms))) }
        }
        return result
    }

    /// Rows in row order as for flat, plus the graph built over them.
    private func graphSections(slot: Int, spec: VectorFieldSpec, data: FloatMatrix, header base: VectorSections.Header) -> [(tag: SectionTag, bytes: [UInt8])] {
        let index = HNSWIndex(data: data, metric: spec.metric, parameters: spec.graph, threads: threads)
        guard let store = index.links.owner as? HNSWLinkStore else { return [] }
        var header = base
        header.graph = true
        header.m = spec.graph.m
        header.efConstruction = spec.graph.efConstruction
        header.entry = index.links.entry
        header.topLayer = index.links.topLayer
        let links = store.encoded()
        var result: [(tag: SectionTag, bytes: [UInt8])] = [
            (VectorSections.tag("VH", slot), header.encode()), (VectorSections.tag("VD", slot), floats(data)),
            (VectorSections.tag("VI", slot), u32s(ordinals[slot])), (VectorSections.tag("VG", slot), links.bottom),
            (VectorSections.tag("VP", slot), links.upperStart), (VectorSections.tag("VU", slot), links.upper),
        ]
        if spec.metric == .l2 { result.append((VectorSections.tag("VN", slot), floatArray(index.norms))) }
        return result.filter { !$0.bytes.isEmpty }
    }

    /// The collection's quantizer, trained now when there is none yet or when this
    /// segment holds at least 4× the vectors it was trained on.
    private func currentQuantizer(spec: VectorFieldSpec, data: FloatMatrix) -> IVFQuantizer {
        let subquantizers = spec.index == .ivfPQ ? spec.subquantizers : nil
        if let q = registry.quantizer(collection: collection, field: spec.field), q.centroids.dimension == spec.dimension,
           q.metric == spec.metric, q.residualCodes?.subquantizers == subquantizers, data.rows < 4 * max(q.trainedOn, 1) {
            return q
        }
        let q = IVFQuantizer.train(data, nlist: spec.nlist ?? IVFQuantizer.defaultNlist(for: data.rows), metric: spec.metric,
                                   subquantizers: subquantizers, threads: threads)
        registry.set(q, collection: collection, field: spec.field)
        return q
    }

    private func norms(_ spec: VectorFieldSpec, _ data: FloatMatrix) -> [UInt8] {
        spec.metric == .l2 ? floatArray(data.squaredNorms()) : []
    }

    private func floats(_ m: FloatMatrix) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: m.base, count: m.rows * m.dimension * 4))
    }

    private func floatArray(_ a: [Float]) -> [UInt8] {
        a.withUnsafeBytes { Array($0) }
    }

    private func u32s(_ a: [UInt32]) -> [UInt8] {
        var w = ByteWriter(capacity: a.count * 4)
        for x in a { w.u32(x) }
        return w.bytes
    }
}
