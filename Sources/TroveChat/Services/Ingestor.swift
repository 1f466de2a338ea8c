import TroveEmbed
import TroveStorage

/// Turns a stored file into indexed chunks: extract text, split it by tokens, embed the
/// pieces, and make one chunk record per piece with the file id, chunk number and the
/// piece's byte offsets in the extracted text.
struct Ingestor: Sendable {
    let extractor: TextExtractor
    let splitter: TextSplitter
    let embedder: any Embedder
    /// Texts per embedder call.
    var batchSize = 64

    /// The file with its new status (indexed, or failed with the reason) and its chunk
    /// records; nothing is written here.
    func prepare(_ file: StoredFile, bytes: [UInt8]) async -> (StoredFile, [Document]) {
        var file = file
        do {
            let text = try extractor.extract(bytes, as: file.contentType)
            let pieces = splitter.split(text)
            guard !pieces.isEmpty else { throw IngestionError.empty(what: file.name) }
            var vectors: [[Float]] = []
            vectors.reserveCapacity(pieces.count)
            for start in stride(from: 0, to: pieces.count, by: batchSize) {
                vectors += try await embedder.embed(pieces[start..<min(start + batchSize, pieces.count)].map(\.text))
            }
            let chunks = zip(pieces, vectors).map { piece, vector in
                Document(id: "\(file.id)-\(piece.number)", fields: [
                    Field("owner", .string(file.owner)), Field("collection", .string(file.collection)), Field("file_id", .string(file.id)),
                    Field("chunk", .int(Int64(piece.number))), Field("text", .string(piece.text)),
                    Field("start", .int(Int64(piece.start))), Field("end", .int(Int64(piece.end))),
                    Field("embedding", .vector(vector)), Field("file_name", .string(file.name)),
                ])
            }
            file.status = .indexed
            file.chunks = chunks.count
            file.error = nil
            return (file, chunks)
        } catch {
            file.status = .failed
            file.chunks = 0
            file.error = "\(error)"
            return (file, [])
        }
    }
}
