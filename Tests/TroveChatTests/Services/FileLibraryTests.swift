import Foundation
import Testing
import TroveEngine
import TroveStorage
@testable import TroveChat

@Suite struct FileLibraryTests {
    private func chunkCount(_ s: ChatSystem, owner: String, file: String) async throws -> Int {
        try await s.database.count(EngineQuery(filters: [.equals(field: "file_id", value: file)]), in: ChatCollections.chunks, tenant: owner)
    }

    @Test func everySupportedTypeIsIndexedAndSearchable() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let pdfReady = FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext")
        for name in ["sample.txt", "sample.md", "sample.html", "sample.json", "sample.csv", "sample.docx", "sample.pdf"] {
            let file = try await h.system.files.upload(owner: "alice", name: "renamed.bin", bytes: ChatHarness.fixture(name))
            #expect(file.contentType.rawValue == String(name.split(separator: ".")[1]), "\(name) detected by content")
            if name.hasSuffix(".pdf") && !pdfReady {
                #expect(file.status == .failed && file.error?.contains("poppler-utils") == true)
                continue
            }
            #expect(file.status == .indexed, "\(name): \(file.error ?? "")")
            #expect(file.chunks > 0)
            #expect(try await chunkCount(h.system, owner: "alice", file: file.id) == file.chunks)
        }
        let hits = try await h.system.retrieve(owner: "alice", query: "heron nests estuary")
        #expect(hits.first?.text.contains("heron") == true)
        #expect(try await h.system.retrieve(owner: "bob", query: "heron nests estuary").isEmpty)
    }

    @Test func identicalUploadsShareOneBlobUntilTheLastIsDeleted() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let files = h.system.files
        let bytes = try ChatHarness.fixture("sample.txt")
        let a = try await files.upload(owner: "alice", name: "a.txt", bytes: bytes)
        let b = try await files.upload(owner: "bob", name: "b.txt", bytes: bytes)
        #expect(a.sha256 == b.sha256 && a.id != b.id)
        let blobs = try BlobStore(root: h.folder.sub("data/blobs"))
        #expect(try blobs.names() == [a.sha256])
        try await files.delete(owner: "alice", id: a.id)
        #expect(try chunkCountIsZero(h, owner: "alice", file: a.id))
        #expect(blobs.contains(a.sha256), "bob's file still needs the bytes")
        #expect(try await files.content(owner: "bob", id: b.id).bytes == bytes)
        try await files.delete(owner: "bob", id: b.id)
        #expect(try blobs.names().isEmpty)
        #expect(try await files.list(owner: "bob").files.isEmpty)
        #expect(try h.system.database.unscopedGet(a.sha256, in: ChatCollections.blobRefs) == nil)
    }

    private func chunkCountIsZero(_ h: ChatHarness, owner: String, file: String) throws -> Bool {
        var found = false
        try h.system.database.unscopedForEach(in: ChatCollections.chunks) { d in
            if case .string(file)? = d["file_id"] { found = true }
            return !found
        }
        return !found
    }

    @Test func badUploadsAreRefusedAndStoreNothing() async throws {
        let h = try await ChatHarness.start { $0.maxUploadBytes = 100_000 }
        defer { Task { await h.stop() } }
        let files = h.system.files
        await #expect(throws: ChatError.tooLarge(bytes: 100_001, limit: 100_000)) {
            try await files.upload(owner: "alice", name: "big.txt", bytes: Array(repeating: 65, count: 100_001))
        }
        for name in ["binary.bin", "not-a-docx.zip"] {
            do {
                _ = try await files.upload(owner: "alice", name: name, bytes: ChatHarness.fixture(name))
                Issue.record("\(name) accepted")
            } catch let ChatError.ingestion(why) {
                #expect(!why.isEmpty)
            }
        }
        await #expect(throws: ChatError.self) { try await files.upload(owner: "alice", name: "x.txt", bytes: Array("hi".utf8), collection: "../up") }
        #expect(try await files.list(owner: "alice").files.isEmpty)
        #expect(try BlobStore(root: h.folder.sub("data/blobs")).names().isEmpty)
    }

    @Test func signedLinksDownloadAndRefuseTamperingAndExpiry() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let files = h.system.files
        let bytes = try ChatHarness.fixture("sample.md")
        let f = try await files.upload(owner: "alice", name: "notes.md", bytes: bytes)
        let (path, expires) = try await files.signedPath(owner: "alice", id: f.id, seconds: 60)
        #expect(path.hasPrefix(URLSigner.pathPrefix) && expires > Int64(Date().timeIntervalSince1970))
        let token = String(path.dropFirst(URLSigner.pathPrefix.count))
        let got = try await files.download(token: token)
        #expect(got.bytes == bytes && got.file.id == f.id)
        var tampered = Array(token)
        tampered[3] = tampered[3] == "A" ? "B" : "A"
        await #expect(throws: ChatError.self) { try await files.download(token: String(tampered)) }
        await #expect(throws: ChatError.self) { try await files.download(token: "garbage") }
        let signer = try URLSigner.load(secrets: SecretKeys(folder: h.folder.sub("data/secrets")))
        let old = signer.path(owner: "alice", fileID: f.id, expires: 1000)
        await #expect(throws: ChatError.badSignature("expired")) { try await files.download(token: String(old.dropFirst(URLSigner.pathPrefix.count))) }
        // Bob cannot sign for, read, or delete alice's file.
        await #expect(throws: ChatError.notFound(kind: "file", id: f.id)) { try await files.signedPath(owner: "bob", id: f.id) }
        await #expect(throws: ChatError.notFound(kind: "file", id: f.id)) { try await files.content(owner: "bob", id: f.id) }
        await #expect(throws: ChatError.notFound(kind: "file", id: f.id)) { try await files.delete(owner: "bob", id: f.id) }
        #expect(try await files.get(owner: "alice", id: f.id).status == .indexed)
    }
}
