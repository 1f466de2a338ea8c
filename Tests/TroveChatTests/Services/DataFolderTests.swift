import Foundation
import Testing
import TroveRemote
import TroveStandIn
import TroveStorage
import TroveTestSupport
@testable import TroveChat

/// The data folder as files on disk: private to its owner, swept of blobs a crash left,
/// and copied whole by a backup.
@Suite struct DataFolderTests {
    private func mode(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func theDataFolderItsSecretsAndBlobsAreTheOwnersAlone() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let data = h.folder.sub("data")
        _ = try await h.system.files.upload(owner: "ann", name: "a.txt", bytes: Array("The otter swims at dawn.".utf8))
        #expect(mode(data) == 0o700)
        #expect(mode(data + "/secrets") == 0o700)
        for name in try LocalFileSystem().list(data + "/secrets") { #expect(mode(data + "/secrets/" + name) == 0o600, "\(name)") }
        let blobs = try BlobStore(root: data + "/blobs")
        for name in try blobs.names() { #expect(mode(try blobs.path(of: name)) == 0o600) }
        for name in try LocalFileSystem().list(data + "/engine") where name != "LOCK" { #expect(mode(data + "/engine/" + name) & 0o077 == 0, "\(name)") }
    }

    @Test func blobsNoRecordCountsAreRemovedOnOpen() async throws {
        let server = try await StandInServer.start(dimension: 64)
        defer { Task { await server.stop() } }
        let folder = TempDirectory("trove-chat")
        let data = folder.sub("data")
        var settings = ChatSettings()
        settings.provider = .openai
        settings.llmURL = server.baseURL + "/v1"
        let embedder = try await RemoteEmbedder.connect(url: server.baseURL + "/v1", model: "embed")
        let first = try await ChatSystem.open(dataFolder: data, settings: settings, embedder: embedder, counter: EstimatingTokenCounter())
        let kept = try await first.files.upload(owner: "ann", name: "a.txt", bytes: Array("The heron waits in the reeds.".utf8))
        try first.close()
        // What a crash between a blob's write and its record's batch leaves behind.
        let orphan = try BlobStore(root: data + "/blobs").put(Array("bytes nobody counts".utf8))
        let second = try await ChatSystem.open(dataFolder: data, settings: settings, embedder: embedder, counter: EstimatingTokenCounter())
        defer { try? second.close() }
        let blobs = try BlobStore(root: data + "/blobs")
        #expect(!blobs.contains(orphan.sha256))
        #expect(blobs.contains(kept.sha256))
        #expect(try await second.files.content(owner: "ann", id: kept.id).bytes == Array("The heron waits in the reeds.".utf8))
    }

    @Test func aBackupHoldsTheEngineTheBlobsAndTheSecrets() async throws {
        let h = try await ChatHarness.start()
        defer { Task { await h.stop() } }
        let data = h.folder.sub("data")
        let file = try await h.system.files.upload(owner: "ann", name: "a.txt", bytes: Array("The tide turns at noon.".utf8))
        let to = h.folder.sub("backup")
        let report = try DataFolderBackup.run(database: h.system.database, dataFolder: data, to: to)
        #expect(report.blobs == 1 && report.secrets >= 1)
        #expect(try Verifier.verify(path: to + "/engine").isClean)
        for name in try LocalFileSystem().list(data + "/secrets") {
            #expect(FileManager.default.contents(atPath: to + "/secrets/" + name) == FileManager.default.contents(atPath: data + "/secrets/" + name))
        }
        let copy = try await ChatSystem.open(dataFolder: to, settings: h.system.settings, embedder: h.system.embedder, counter: EstimatingTokenCounter())
        defer { try? copy.close() }
        #expect(try await copy.files.content(owner: "ann", id: file.id).bytes == Array("The tide turns at noon.".utf8))
        #expect(throws: StorageError.self) { try DataFolderBackup.run(database: h.system.database, dataFolder: data, to: to) }
    }
}
