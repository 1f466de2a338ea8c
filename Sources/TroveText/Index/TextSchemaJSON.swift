import TroveJSON
import TroveStorage

/// A text schema kept in a collection's metadata as JSON, until the engine's schema
/// (issue 5) takes over: `{"text": [{"field": "text", "analyzer": "english",
/// "positions": true}], "numeric": ["ts"]}`.
extension TextSchema {
    public var metadata: [UInt8] {
        let text: [JSONValue] = self.text.map {
            .object([JSONMember("field", .string($0.field)), JSONMember("analyzer", .string($0.analyzer.rawValue)), JSONMember("positions", .bool($0.positions))])
        }
        let json = JSONValue.object([JSONMember("text", .array(text)), JSONMember("numeric", .array(numeric.map { .string($0.field) }))])
        return Array(JSONWriter.string(json).utf8)
    }

    /// The schema in `metadata`, or an empty one when the metadata holds none. Fields
    /// past the 100 a slot can number are left unindexed rather than trusted: metadata
    /// is read from disk.
    public init(metadata: [UInt8]) {
        self.init()
        guard !metadata.isEmpty, let json = try? JSONParser.parse(metadata) else { return }
        if case let .array(items)? = json["text"] {
            for item in items {
                guard case let .string(field)? = item["field"] else { continue }
                var analyzer = Analyzer.english
                if case let .string(a)? = item["analyzer"], let parsed = Analyzer(rawValue: a) { analyzer = parsed }
                var positions = true
                if case let .bool(p)? = item["positions"] { positions = p }
                guard text.count < TextSchema.maximumFields else { break }
                text.append(TextFieldSpec(field: field, analyzer: analyzer, positions: positions))
            }
        }
        if case let .array(items)? = json["numeric"] {
            for case let .string(f) in items.prefix(TextSchema.maximumFields) { numeric.append(NumericFieldSpec(field: f)) }
        }
    }

    /// The extension that indexes every collection by the schema in its metadata.
    public static var fromMetadata: TextSegmentExtension {
        TextSegmentExtension(schema: { _, metadata in TextSchema(metadata: metadata) })
    }
}
