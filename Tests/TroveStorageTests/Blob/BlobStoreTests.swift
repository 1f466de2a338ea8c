import Foundation
import Testing
import TroveTestSupport
@testable import TroveStorage

@Suite struct BlobStoreTests {
    @Test func storesByContentOnceAndReadsBack() throws {
        let dir = TempDirectory()
        let store = try BlobStore(root: dir.sub("blobs"))
        let bytes = Array("the same bytes".utf8)
        let first = try store.put(bytes)
        #expect(first.created && first.size == bytes.count)
        #expect(first.sha256 == BlobStore.sha256Hex(bytes))
        let again = try store.put(bytes)
        #expect(!again.created && again.sha256 == first.sha256)
        #expect(try store.read(first.sha256, verify: true) == bytes)
        #expect(try store.names() == [first.sha256])
        try store.remove(first.sha256)
        #expect(try store.read(first.sha256) == nil && !store.contains(first.sha256))
    }

    @Test func knownDigestAndNamesThatCouldEscapeAreRefused() throws {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        #expect(BlobStore.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let dir = TempDirectory()
        let store = try BlobStore(root: dir.sub("blobs"))
        for bad in ["../../etc/passwd", "", String(repeating: "A", count: 64), String(repeating: "a", count: 63)] {
            #expect(throws: StorageError.self) { try store.read(bad) }
        }
    }

    @Test func corruptedBlobIsReportedAndTmpLeftoversAreSwept() throws {
        let dir = TempDirectory()
        let store = try BlobStore(root: dir.sub("blobs"))
        let info = try store.put(Array("payload".utf8))
        let path = try store.path(of: info.sha256)
        try Data("PAYLOAD".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StorageError.self) { try store.read(info.sha256, verify: true) }
        _ = FileManager.default.createFile(atPath: dir.sub("blobs/tmp/half-written"), contents: Data([1, 2, 3]))
        _ = try BlobStore(root: dir.sub("blobs"))
        #expect(!FileManager.default.fileExists(atPath: dir.sub("blobs/tmp/half-written")))
    }
}
