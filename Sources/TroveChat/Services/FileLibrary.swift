import Foundation
import TroveEngine
import TroveJSON
import TroveStorage

/// Uploaded files: bytes in the content-addressed blob store, metadata and chunks in the
/// engine. An actor, because a blob's reference count is read, changed and written
/// back: uploads and deletes of files take turns (ingestion runs outside that turn).
public actor FileLibrary {
    public nonisolated let maxUploadBytes: Int
    /// Uploads one owner may have in flight at once; more answer `busy`.
    public static let defaultMaxConcurrentUploads = 2
    public nonisolated let maxConcurrentUploads = FileLibrary.defaultMaxConcurrentUploads
    /// Uploads in flight per owner (changed only synchronously, inside one turn).
    private var uploading: [String: Int] = [:]
    let database: Database
    let blobs: BlobStore
    let ids: IDGenerator
    let signer: URLSigner
    let ingestor: Ingestor
    var queries: RecordQueries { RecordQueries(database: database) }

    init(database: Database, blobs: BlobStore, ids: IDGenerator, signer: URLSigner, ingestor: Ingestor, maxUploadBytes: Int) {
        self.database = database
        self.blobs = blobs
        self.ids = ids
        self.signer = signer
        self.ingestor = ingestor
        self.maxUploadBytes = maxUploadBytes
    }

    /// Extracts and chunks `bytes` (type detected from the content), stores them, then
    /// embeds and indexes the chunks into the owner's `collection`. A file whose text
    /// cannot be extracted is kept with status `failed` and the reason; an unsupported or
    /// oversized upload, one whose text or chunks pass the limits, and one over the
    /// owner's concurrent uploads, are refused and nothing is stored.
    public func upload(owner: String, name: String, bytes: [UInt8], collection: String = KnowledgeCollection.defaultName) async throws -> StoredFile {
        guard bytes.count <= maxUploadBytes else { throw ChatError.tooLarge(bytes: bytes.count, limit: maxUploadBytes) }
        guard !bytes.isEmpty else { throw ChatError.invalid(field: "file", reason: "the upload is empty") }
        guard KnowledgeCollection.isValidName(collection) else { throw ChatError.invalid(field: "collection", reason: KnowledgeCollection.nameRule) }
        let cleanName = String(name.replacingOccurrences(of: "/", with: "_").prefix(255))
        let type: ContentType
        do { type = try ContentType.detect(bytes, filename: cleanName) } catch { throw ChatError.ingestion("\(error)") }
        guard uploading[owner, default: 0] < maxConcurrentUploads else {
            throw ChatError.busy("\(maxConcurrentUploads) uploads of this user are already being processed; try again when one finishes")
        }
        uploading[owner, default: 0] += 1
        defer { uploading[owner, default: 1] -= 1; if uploading[owner] == 0 { uploading[owner] = nil } }
        let pieces = try await extracted(bytes, type: type)
        let stored = try storeBlob(owner: owner, name: cleanName.isEmpty ? "upload" : cleanName, bytes: bytes, type: type, collection: collection)
        let (indexed, chunks) = try await ingestor.index(stored, pieces: pieces)
        return try commit(indexed, chunks: chunks)
    }

    /// The pieces of the upload's text, or why there are none; a limit, a full pool or a
    /// cancellation is thrown instead (the upload is refused).
    private func extracted(_ bytes: [UInt8], type: ContentType) async throws -> Result<[TextChunk], any Error> {
        do {
            return .success(try await ingestor.pieces(of: bytes, type: type))
        } catch let e as IngestionError where e.isLimit {
            throw ChatError.limitExceeded(e.description)
        } catch BlockingPool.Refusal.full {
            throw ChatError.busy("the server is busy extracting other files; try again shortly")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return .failure(error)
        }
    }

    /// Writes the chunks and the file's new status in one batch, unless the file was
    /// deleted while its text was being embedded.
    private func commit(_ file: StoredFile, chunks: [Document]) throws -> StoredFile {
        guard try fileExists(file) else { throw ChatError.notFound(kind: "file", id: file.id) }
        try awaitApply(chunks.map { .put($0, in: ChatCollections.chunks) } + [.put(file.document, in: ChatCollections.files)], owner: file.owner)
        return file
    }

    /// Extracts and indexes a stored file again (after a failure, or with another embedder
    /// or splitter), replacing its chunks.
    public func reindex(owner: String, id: String) async throws -> StoredFile {
        let (file, bytes) = try await content(owner: owner, id: id)
        let old = try await queries.all(in: ChatCollections.chunks, owner: owner, filters: [.equals(field: StoredChunk.FieldName.fileID.rawValue, value: id)],
                                        sort: StoredChunk.FieldName.chunk.rawValue)
        let (indexed, chunks) = try await ingestor.prepare(file, bytes: bytes)
        let keep = Set(chunks.map(\.id))
        try awaitApply(old.filter { !keep.contains($0.id) }.map { .delete(id: $0.id, in: ChatCollections.chunks) }, owner: owner)
        return try commit(indexed, chunks: chunks)
    }

    private func storeBlob(owner: String, name: String, bytes: [UInt8], type: ContentType, collection: String) throws -> StoredFile {
        let blob = try blobs.put(bytes)
        let file = StoredFile(id: ids.next(), owner: owner, name: name, sha256: blob.sha256, contentType: type, size: bytes.count,
                              collection: collection, createdAt: RecordClock.now())
        let refs = try blobRefs(blob.sha256)
        try awaitApply([.put(file.document, in: ChatCollections.files), .put(refDocument(blob.sha256, refs + 1), in: ChatCollections.blobRefs)], owner: owner)
        return file
    }

    public func get(owner: String, id: String) async throws -> StoredFile {
        guard let d = try await queries.get(id, in: ChatCollections.files, owner: owner) else { throw ChatError.notFound(kind: "file", id: id) }
        return try StoredFile(document: d)
    }

    /// Newest first; only one collection's when named.
    public func list(owner: String, collection: String? = nil, limit: Int = 100, cursor: String? = nil) async throws -> (files: [StoredFile], cursor: String?) {
        let filters: [QueryFilter] = collection.map { [.equals(field: StoredFile.FieldName.collection.rawValue, value: $0)] } ?? []
        let page = try await queries.page(in: ChatCollections.files, owner: owner, filters: filters, sort: StoredFile.FieldName.createdAt.rawValue, descending: true,
                                          limit: max(1, min(limit, 1000)), cursor: cursor)
        return (try page.documents.map(StoredFile.init(document:)), page.cursor)
    }

    /// The file's bytes, checked against its hash.
    public func content(owner: String, id: String) async throws -> (file: StoredFile, bytes: [UInt8]) {
        let file = try await get(owner: owner, id: id)
        guard let bytes = try blobs.read(file.sha256, verify: true) else { throw ChatError.notFound(kind: "file", id: id) }
        return (file, bytes)
    }

    /// Deletes the file's metadata and chunks in one batch, then its blob when no other
    /// file (of any owner) has the same bytes.
    public func delete(owner: String, id: String) async throws {
        let file = try await get(owner: owner, id: id)
        let chunks = try await queries.all(in: ChatCollections.chunks, owner: owner, filters: [.equals(field: StoredChunk.FieldName.fileID.rawValue, value: id)],
                                        sort: StoredChunk.FieldName.chunk.rawValue)
        // From here to the blob's removal nothing suspends. The awaits above let another
        // delete of the same file run to its end meanwhile: it must be seen as gone, or
        // both would take a reference off the blob that other files still share.
        guard try fileExists(file) else { throw ChatError.notFound(kind: "file", id: id) }
        let refs = try blobRefs(file.sha256)
        var changes: [DatabaseChange] = [.delete(id: id, in: ChatCollections.files)]
        changes += chunks.map { .delete(id: $0.id, in: ChatCollections.chunks) }
        changes.append(refs > 1 ? .put(refDocument(file.sha256, refs - 1), in: ChatCollections.blobRefs) : .delete(id: file.sha256, in: ChatCollections.blobRefs))
        try awaitApply(changes, owner: owner)
        // After the batch: a crash between the two leaves an unreferenced blob, never a
        // file without its bytes.
        if refs <= 1 { try blobs.remove(file.sha256) }
    }

    /// A download path for the owner's file, valid for `seconds`.
    public func signedPath(owner: String, id: String, seconds: Int = 3600) async throws -> (path: String, expires: Int64) {
        _ = try await get(owner: owner, id: id)
        let expires = Int64(Date().timeIntervalSince1970) + Int64(max(1, min(seconds, 7 * 86_400)))
        return (signer.path(owner: owner, fileID: id, expires: expires), expires)
    }

    /// The file a signed token names, with its bytes.
    public func download(token: String) async throws -> (file: StoredFile, bytes: [UInt8]) {
        let (owner, id) = try signer.verify(token: token)
        return try await content(owner: owner, id: id)
    }

    /// Removes blobs that no reference count names (a crash between a blob's write and
    /// its record's batch leaves one); returns how many. Runs in one turn, so no upload
    /// can add a reference meanwhile; call it when no upload is between those two steps
    /// (at open).
    func removeOrphanBlobs() throws -> Int {
        var removed = 0
        for name in try blobs.names() where try database.unscopedGet(name, in: ChatCollections.blobRefs) == nil {
            try blobs.remove(name)
            removed += 1
        }
        return removed
    }

    private func fileExists(_ file: StoredFile) throws -> Bool {
        try database.unscopedGet(file.id, in: ChatCollections.files).map { $0[StoredFile.FieldName.owner.rawValue] == .string(file.owner) } ?? false
    }

    private func blobRefs(_ sha256: String) throws -> Int {
        guard let d = try database.unscopedGet(sha256, in: ChatCollections.blobRefs) else { return 0 }
        // A wrong count would delete a blob another file still names, or keep one forever.
        guard case let .int(n)? = d["refs"], let refs = Int(exactly: n), refs >= 0 else {
            throw ChatError.corruptRecord(collection: ChatCollections.blobRefs, id: sha256, field: "refs", reason: "expected a count")
        }
        return refs
    }

    private func refDocument(_ sha256: String, _ refs: Int) -> Document {
        Document(id: sha256, fields: [Field("refs", .int(Int64(refs)))])
    }

    /// `Database.apply` is async only by signature; running it inside the actor's turn keeps
    /// the reference count's read-change-write in one turn.
    private func awaitApply(_ changes: [DatabaseChange], owner: String) throws {
        try database.applySynchronously(changes, tenant: owner)
    }
}
