import TroveEngine
import TroveJSON
import TroveStorage

/// One indexed passage of an uploaded file: its text, where it sits in the file's text,
/// and its embedding. The id is `<file id>-<chunk number>`.
struct StoredChunk: StoredRecord {
    enum FieldName: String {
        case owner, collection, chunk, text, start, end, embedding
        case fileID = "file_id", fileName = "file_name"
    }
    static let collection = "chat_chunks"
    static let tenantField: FieldName? = .owner
    /// The indexed fields but the embedding, whose dimension is the embedder's: see
    /// `schema(embeddingDimension:)`.
    static let schemaFields = [
        indexed(.owner, .keyword), indexed(.collection, .keyword), indexed(.fileID, .keyword), indexed(.chunk, .int),
        indexed(.text, .text(analyzer: .english, phrases: true)), indexed(.start, .int), indexed(.end, .int),
    ]

    static func schema(embeddingDimension: Int) throws -> CollectionSchema {
        try CollectionSchema(fields: schemaFields + [indexed(.embedding, .vector(dimension: embeddingDimension, metric: .cosine, index: .flat))],
                             tenantField: tenantField?.rawValue)
    }

    var owner: String
    var knowledgeCollection: String
    var fileID: String
    var fileName: String
    var number: Int
    var text: String
    var start: Int
    var end: Int
    var embedding: [Float]

    init(file: StoredFile, _ piece: TextChunk, embedding: [Float]) {
        owner = file.owner
        knowledgeCollection = file.collection
        fileID = file.id
        fileName = file.name
        number = piece.number
        text = piece.text
        start = piece.start
        end = piece.end
        self.embedding = embedding
    }

    var document: Document {
        typealias N = FieldName
        return Document(id: "\(fileID)-\(number)", fields: [
            Field(N.owner, .string(owner)), Field(N.collection, .string(knowledgeCollection)), Field(N.fileID, .string(fileID)),
            Field(N.chunk, .int(Int64(number))), Field(N.text, .string(text)),
            Field(N.start, .int(Int64(start))), Field(N.end, .int(Int64(end))),
            Field(N.embedding, .vector(embedding)), Field(N.fileName, .string(fileName)),
        ])
    }

    init(document d: Document) throws(ChatError) {
        let f = Self.fields(of: d)
        owner = try f.string(.owner)
        knowledgeCollection = try f.string(.collection)
        fileID = try f.string(.fileID)
        fileName = try f.optionalString(.fileName) ?? ""
        number = try f.int(.chunk)
        text = try f.string(.text)
        start = try f.int(.start)
        end = try f.int(.end)
        guard case let .vector(v)? = d[FieldName.embedding.rawValue] else { throw f.corrupt(.embedding, "expected a vector") }
        embedding = v
    }
}
