import TroveJSON
import TroveStorage
import TroveText
import TroveVector

/// Why a schema or a document was refused.
public enum SchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    case incompatible(field: String, reason: String)
    case document(id: String, field: String, reason: String)
    /// More fields than `CollectionSchema.maximumFields`.
    case tooManyFields(Int)

    public var description: String {
        switch self {
        case let .invalid(why): return "invalid schema: \(why)"
        case let .incompatible(field, reason): return "incompatible schema change to field '\(field)': \(reason)"
        case let .document(id, field, reason): return "document '\(id)', field '\(field)': \(reason)"
        case let .tooManyFields(n): return "\(n) fields declared; a schema declares at most \(CollectionSchema.maximumFields)"
        }
    }
}

/// The declared fields of a collection. Documents may hold other fields too (the stored
/// JSON payload); declared ones are type-checked on write and indexed.
public struct CollectionSchema: Sendable, Equatable {
    public enum FieldType: Sendable, Equatable {
        /// Exact values (owner, agent, conversation, role): equality and `in` filters.
        case keyword
        /// Full text with an analyser; `phrases` keeps positions for phrase queries.
        case text(analyzer: Analyzer, phrases: Bool)
        /// `graph` holds the HNSW parameters (index `hnsw` only), `codes` the product
        /// quantizer's (index `ivf-pq` only), `spill` the share of rows listed twice
        /// (index `ivf` only).
        case vector(dimension: Int, metric: VectorMetric, index: VectorFieldSpec.IndexKind, graph: HNSWParameters = .defaults, codes: PQParameters = .defaults,
                    spill: Double = SpilledRows.defaultFraction)
        case int
        case double
        case timestamp
    }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var type: FieldType
        /// On a vector field: the text field its vectors are made from, and the model that
        /// makes them. The engine keeps it; the layer that owns an embedder acts on it.
        public var embed: EmbedSource?

        public init(_ name: String, _ type: FieldType, embed: EmbedSource? = nil) {
            self.name = name
            self.type = type
            self.embed = embed
        }
    }

    /// Where a vector field's vectors come from when a document arrives without them.
    public struct EmbedSource: Sendable, Equatable {
        /// A declared text or keyword field of the same schema.
        public var from: String
        /// The embedding model's name (`all-MiniLM-L6-v2`).
        public var model: String

        public init(from: String, model: String) {
            self.from = from
            self.model = model
        }
    }

    public var fields: [Field]
    /// A keyword field every read and write of this collection is restricted by.
    public var tenantField: String?

    public init(fields: [Field], tenantField: String? = nil) throws {
        self.fields = fields
        self.tenantField = tenantField
        try check()
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// The most fields one schema declares. Each indexed field's sections are tagged with
    /// a two-digit slot (docs/FORMAT.md), so no kind can have more than 100; one cap for
    /// all kinds keeps the rule simple to state.
    public static let maximumFields = 100
    /// The HNSW parameters a vector field may declare (m; ef_construction and ef_search),
    /// so layers above the engine can print them without reaching into the vector layer.
    public static let hnswLinksRange = HNSWParameters.mRange
    public static let hnswCandidatesRange = HNSWParameters.efRange

    private func check() throws {
        guard fields.count <= Self.maximumFields else { throw SchemaError.tooManyFields(fields.count) }
        var seen = Set<String>()
        for f in fields {
            guard !f.name.isEmpty, f.name != "id" else { throw SchemaError.invalid("a field needs a name other than 'id'") }
            guard seen.insert(f.name).inserted else { throw SchemaError.invalid("field '\(f.name)' is declared twice") }
            if case let .vector(d, _, _, _, _, _) = f.type, !(1...65_536).contains(d) {
                throw SchemaError.invalid("vector field '\(f.name)' needs a dimension in 1...65536")
            }
        }
        for (i, f) in fields.enumerated() {
            guard let source = f.embed else { continue }
            guard case .vector = f.type else { throw SchemaError.invalid("$.fields[\(i)].embed: only a vector field is embedded") }
            switch field(source.from)?.type {
            case .text?, .keyword?: continue
            default: throw SchemaError.invalid("$.fields[\(i)].embed.from: '\(source.from)' is not a declared text or keyword field")
            }
        }
        if fields.filter({ if case .vector = $0.type { return true }; return false }).count > VectorFieldSpec.maximumFields {
            throw SchemaError.invalid("at most \(VectorFieldSpec.maximumFields) vector fields")
        }
        if let t = tenantField, field(t)?.type != .keyword {
            throw SchemaError.invalid("the tenant field '\(t)' must be a declared keyword field")
        }
    }

    /// Whether `newer` may replace this schema: fields may be added after the existing
    /// ones, none changed, moved or removed, and the tenant field stays.
    public func checkEvolution(to newer: CollectionSchema) throws {
        for (i, f) in fields.enumerated() {
            guard let g = newer.field(f.name) else { throw SchemaError.incompatible(field: f.name, reason: "fields cannot be removed") }
            guard g.type == f.type, g.embed == f.embed else { throw SchemaError.incompatible(field: f.name, reason: "its type or options cannot change") }
            // Sections are numbered by declaration order: existing fields keep their places.
            guard newer.fields[i].name == f.name else { throw SchemaError.incompatible(field: f.name, reason: "new fields go after the existing ones") }
        }
        if tenantField != newer.tenantField {
            throw SchemaError.incompatible(field: newer.tenantField ?? tenantField ?? "", reason: "the tenant field cannot change")
        }
    }

    /// Keyword and text fields become text-index fields (keywords with the `keyword`
    /// analyser and no positions); numbers and timestamps become columns.
    public var textSchema: TextSchema {
        var s = TextSchema()
        for f in fields {
            switch f.type {
            case .keyword: s.text.append(TextFieldSpec(field: f.name, analyzer: .keyword, positions: false))
            case let .text(analyzer, phrases): s.text.append(TextFieldSpec(field: f.name, analyzer: analyzer, positions: phrases))
            case .int, .timestamp: s.numeric.append(NumericFieldSpec(field: f.name))
            case .double: s.numeric.append(NumericFieldSpec(field: f.name, doubles: true))
            case .vector: break
            }
        }
        return s
    }

    public var vectorSpecs: [VectorFieldSpec] {
        fields.compactMap { f in
            if case let .vector(d, m, i, g, c, s) = f.type { return VectorFieldSpec(field: f.name, dimension: d, metric: m, index: i, graph: g, codes: c, spill: s) }
            return nil
        }
    }

    /// Refuses a document whose declared fields hold the wrong type or dimension, or that
    /// lacks the tenant field.
    public func validate(_ doc: Document) throws {
        for f in fields {
            guard let v = doc[f.name], v != .null else {
                if f.name == tenantField { throw SchemaError.document(id: doc.id, field: f.name, reason: "the tenant field is required") }
                // The HTTP API fills an embedded field before writing; a writer without an
                // embedder (`trove import`) must not store the text without its vector.
                if let source = f.embed, case .string? = doc[source.from] {
                    throw SchemaError.document(id: doc.id, field: f.name, reason: "is embedded from '\(source.from)' with \(source.model), and this writer has no embedder: give the vector, or load the documents through the HTTP API, which embeds them")
                }
                continue
            }
            let ok: Bool
            switch (f.type, v) {
            case (.keyword, .string): ok = true
            case (.text, .string), (.text, .json): ok = true
            case let (.vector(d, _, _, _, _, _), .vector(x)): ok = x.count == d && x.allSatisfy(\.isFinite)
            case (.int, .int), (.double, .double), (.double, .int): ok = true
            case let (.timestamp, .timestamp(t)), let (.timestamp, .int(t)): ok = Timestamp.range.contains(t)
            default: ok = false
            }
            guard ok else { throw SchemaError.document(id: doc.id, field: f.name, reason: "expected \(Self.name(of: f.type))") }
        }
    }

    /// The document with values turned into its declared fields' types where JSON
    /// cannot say the type: integers in double fields, integers and RFC 3339 strings in
    /// timestamp fields, arrays of numbers in vector fields. Other values stay as they
    /// are (and `validate` refuses them if they do not fit).
    public func coerced(_ doc: Document) -> Document {
        var doc = doc
        for i in doc.fields.indices {
            switch (field(doc.fields[i].name)?.type, doc.fields[i].value) {
            case let (.double?, .int(v)): doc.fields[i].value = .double(Double(v))
            case let (.timestamp?, .int(v)): doc.fields[i].value = .timestamp(v)
            case let (.timestamp?, .string(s)): if let t = Timestamp.parse(s) { doc.fields[i].value = .timestamp(t) }
            case let (.vector?, .json(.array(items))): if let v = Self.floats(items) { doc.fields[i].value = .vector(v) }
            default: continue
            }
        }
        return doc
    }

    private static func floats(_ items: [JSONValue]) -> [Float]? {
        var out: [Float] = []
        out.reserveCapacity(items.count)
        for item in items {
            switch item {
            case let .double(d): out.append(Float(d))
            case let .int(i): out.append(Float(i))
            default: return nil
            }
        }
        return out
    }

    static func name(of type: FieldType) -> String {
        switch type {
        case .keyword: return "a keyword string"
        case .text: return "text"
        case let .vector(d, _, _, _, _, _): return "a vector of \(d) finite floats"
        case .int: return "an int"
        case .double: return "a number"
        case .timestamp: return "a timestamp between years 0001 and 9999"
        }
    }
}
