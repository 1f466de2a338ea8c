import TroveEmbed
import TroveJSON
import TroveStorage

/// Turns a stored file into indexed chunks: extract text, split it by tokens, embed the
/// pieces, and make one chunk record per piece with the file id, chunk number and the
/// piece's byte offsets in the extracted text.
public struct Ingestor: Sendable {
    let extractor: TextExtractor
    let splitter: TextSplitter
    let embedder: any Embedder
    /// Where extraction and splitting run: they parse whole files and may wait on
    /// `pdftotext`, which must not happen on the cooperative pool.
    var pool = BlockingPool.shared
    /// Texts per embedder call.
    var batchSize = 64
    /// The most chunks one file may split into.
    var maxChunks = Ingestor.defaultMaxChunks
    public static let defaultMaxChunks = 20_000

    /// The file's text, split into pieces, worked out on the blocking pool. When the
    /// calling task is cancelled, a running `pdftotext` is stopped.
    ///
    /// - Throws: `IngestionError` (`isLimit` for the size limits), `BlockingPool.Refusal`
    ///   when the pool's queue is full, `CancellationError` when the task is cancelled
    ///   (before the work started, or while it ran: a running `pdftotext` is stopped).
    func pieces(of bytes: [UInt8], type: ContentType) async throws -> [TextChunk] {
        let cancel = CancellationFlag()
        let (extractor, splitter, maxChunks) = (extractor, splitter, maxChunks)
        do {
            return try await withTaskCancellationHandler {
                try await pool.run { () throws -> [TextChunk] in
                    let text = try extractor.extract(bytes, as: type, cancel: cancel)
                    let pieces = splitter.split(text)
                    guard pieces.count <= maxChunks else { throw IngestionError.tooManyChunks(count: pieces.count, limit: maxChunks) }
                    return pieces
                }
            } onCancel: {
                cancel.raise()
            }
        } catch IngestionError.cancelled {
            // Stopped while it ran: the same outcome as cancelled before a pool thread took
            // the work (a busy pool), which the pool reports as `CancellationError`.
            throw CancellationError()
        }
    }

    /// The file with its new status (indexed, or failed with the reason) and its chunk
    /// records, from pieces worked out by `pieces(of:type:)` (or why that failed); nothing
    /// is written here.
    ///
    /// - Throws: only `CancellationError`, checked between embedding batches, so a
    ///   shutdown does not wait for a whole file's embeddings.
    func index(_ file: StoredFile, pieces: Result<[TextChunk], any Error>) async throws -> (StoredFile, [Document]) {
        var file = file
        do {
            let pieces = try pieces.get()
            guard !pieces.isEmpty else { throw IngestionError.empty(what: file.name) }
            var vectors: [[Float]] = []
            vectors.reserveCapacity(pieces.count)
            for start in stride(from: 0, to: pieces.count, by: batchSize) {
                try Task.checkCancellation()
                vectors += try await embedder.embed(pieces[start..<min(start + batchSize, pieces.count)].map(\.text))
            }
            file.status = .indexed
            file.chunks = pieces.count
            file.error = nil
            return (file, zip(pieces, vectors).map { chunk(of: file, $0, $1) })
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            file.status = .failed
            file.chunks = 0
            file.error = "\(error)"
            return (file, [])
        }
    }

    /// Both steps: for a file already stored (reindexing).
    func prepare(_ file: StoredFile, bytes: [UInt8]) async throws -> (StoredFile, [Document]) {
        let pieces: Result<[TextChunk], any Error>
        do { pieces = .success(try await self.pieces(of: bytes, type: file.contentType)) } catch is CancellationError { throw CancellationError() } catch { pieces = .failure(error) }
        return try await index(file, pieces: pieces)
    }

    private func chunk(of file: StoredFile, _ piece: TextChunk, _ vector: [Float]) -> Document {
        StoredChunk(file: file, piece, embedding: vector).document
    }
}
