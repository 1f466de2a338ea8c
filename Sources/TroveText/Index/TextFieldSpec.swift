import TroveStorage

/// A full-text field of a collection: its analyser and whether positions are kept
/// (needed for phrase queries).
public struct TextFieldSpec: Sendable, Equatable {
    public var field: String
    public var analyzer: Analyzer
    public var positions: Bool

    public init(field: String, analyzer: Analyzer = .english, positions: Bool = true) {
        self.field = field
        self.analyzer = analyzer
        self.positions = positions
    }
}

/// A numeric, double or timestamp field kept as a column for ranges and sorting.
public struct NumericFieldSpec: Sendable, Equatable {
    public var field: String
    /// The field is declared as holding doubles: integers in it are stored as doubles
    /// too, so one column never mixes the two encodings.
    public var doubles: Bool

    public init(field: String, doubles: Bool = false) {
        self.field = field
        self.doubles = doubles
    }

    /// The column value of a field: ints and timestamps as they are, doubles mapped so
    /// that integer order is numeric order.
    public static func columnValue(_ v: FieldValue?, doubles: Bool = false) -> (Int64, NumericColumn.Kind)? {
        switch v {
        case let .int(i)? where doubles: return (NumericColumn.sortable(Double(i)), .double)
        case let .int(i)?: return (i, .int64)
        case let .timestamp(t)?: return (t, .int64)
        case let .double(d)?: return (NumericColumn.sortable(d), .double)
        default: return nil
        }
    }
}

/// The text and numeric fields of one collection.
public struct TextSchema: Sendable, Equatable {
    public var text: [TextFieldSpec]
    public var numeric: [NumericFieldSpec]

    public init(text: [TextFieldSpec] = [], numeric: [NumericFieldSpec] = []) {
        self.text = text
        self.numeric = numeric
    }

    public var isEmpty: Bool { text.isEmpty && numeric.isEmpty }

    /// Text fields, and numeric fields, each numbered by a two-digit section slot.
    public static let maximumFields = 100

    /// The fields that have a slot: a schema with more (refused upstream, but metadata is
    /// read from disk) indexes and searches the first hundred of each kind instead of
    /// trapping on a section tag.
    public var slotted: TextSchema {
        TextSchema(text: Array(text.prefix(Self.maximumFields)), numeric: Array(numeric.prefix(Self.maximumFields)))
    }
}

/// Section tags of the text layer: two letters and the field's two-digit slot.
enum TextSections {
    static let magic: [UInt8] = Array("TTXT".utf8)
    static let version: UInt32 = 1

    static func tag(_ prefix: StaticString, _ slot: Int) -> SectionTag { SectionTag(prefix: prefix, slot: slot) }

    /// The analyser's number in a field's `XH` header.
    static func analyzerCode(_ analyzer: Analyzer) -> UInt32 { UInt32(Analyzer.allCases.firstIndex(of: analyzer) ?? 0) }
}
