import Foundation
import Testing
@testable import TroveStorage

/// Files whose checksums hold and whose values lie. Each once trapped the process (an
/// overflow, an index out of range, a failed allocation); each must now be a typed error,
/// or be ignored where it is not ours.
@Suite struct CraftedFileTests {
    @Test func aDataFileNumberedAtTheTopOfItsTypeIsNotOurs() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        _ = try TestData.makeDatabase(path, docs: 10)
        for name in ["18446744073709551615.del", "18446744073709551614.wal", "281474976710656.seg"] {
            TestData.writeFile(path + "/" + name, [])
        }
        let store = try Store.open(at: path, options: TestData.options())
        #expect(try store.get("msg-3", in: "m") != nil)
        try store.put(Document(id: "new", fields: []), in: "m")
        try store.close()
        #expect(try Store.open(at: path, options: TestData.options()).get("new", in: "m") != nil)
    }

    @Test func manifestCountersAtTheirMaximumAreCorruptionNotAnOverflow() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        _ = try TestData.makeDatabase(path, docs: 10)
        let original = try Manifest.read(directory: path)
        let edits: [(inout Manifest) -> Void] = [
            { $0.nextFileNumber = .max }, { $0.generation = .max }, { $0.walNumber = .max }, { $0.nextCollectionID = .max },
            { $0.collections[0].segments[0].number = .max },
        ]
        for edit in edits {
            var m = original
            edit(&m)
            TestData.writeFile(path + "/MANIFEST", m.encode())
            #expect(throws: StorageError.self) { try Store.open(at: path, options: TestData.options()) }
        }
        TestData.writeFile(path + "/MANIFEST", original.encode())
        #expect(try Store.open(at: path, options: TestData.options()).get("msg-1", in: "m") != nil)
    }

    /// The block index says block 1 starts one document later, so block 0's own table
    /// holds one document more than the index gives it.
    @Test func aBlockHoldingMoreDocumentsThanItsIndexSaysIsCorruption() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let segPath = try TestData.makeDatabase(path)
        try SegmentSurgery.edit(segPath, section: .blockIndex) { index in
            let first = SegmentSurgery.u32(index, 24 + 16)
            SegmentSurgery.put32(&index, 24 + 16, first + 1)
        }
        #expect(!(try Verifier.verify(path: path).isClean))
        let store = try Store.open(at: path, options: TestData.options())
        defer { try? store.close() }
        #expect(throws: StorageError.self) {
            try store.snapshot().forEach(in: "m") { _ in true }
        }
        #expect(throws: StorageError.self) { try store.get("msg-0", in: "m") }
    }

    /// A block whose recorded uncompressed length is 4 GiB: refused before any allocation.
    @Test func aBlockLengthThatDisagreesWithItsFrameIsCorruption() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let segPath = try TestData.makeDatabase(path)
        try SegmentSurgery.edit(segPath, section: .blockIndex) { index in SegmentSurgery.put32(&index, 12, 0xFFFF_FFF0) }
        let store = try Store.open(at: path, options: TestData.options())
        defer { try? store.close() }
        do {
            _ = try store.get("msg-0", in: "m")
            Issue.record("a block with a false length was read")
        } catch let StorageError.corruption(_, _, reason) {
            #expect(reason.contains("expected 4294967280"), "\(reason)")
        }
        #expect(try store.get("msg-1999", in: "m") != nil, "other blocks still read")
    }

    /// A logged put whose document does not decode (its record's CRC is good): recovery
    /// and verify refuse it instead of opening a store whose every flush then fails.
    @Test func aLoggedPutThatDoesNotDecodeIsFoundOnOpenAndByVerify() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var o = TestData.options()
        o.flushOnClose = false
        let store = try Store.open(at: path, options: o)
        try store.createCollection("m")
        try store.put(Document(id: "good", fields: [Field("n", .int(1))]), in: "m")
        try store.close()
        let wal = try #require(TestData.files(path, kind: "wal").first)
        var bytes = TestData.readFile(wal)
        // The last record's payload holds the document: its field "n" (length 1, "n", then
        // the type tag). Make the tag unknown and re-CRC the record (type + payload).
        let intTag = FieldValue.int(1).tag
        let at = try #require((WALFormat.fileHeaderSize..<(bytes.count - 2)).last { bytes[$0] == 1 && bytes[$0 + 1] == 0x6E && bytes[$0 + 2] == intTag })
        bytes[at + 2] = 0xEE
        var record = WALFormat.fileHeaderSize
        while true {
            let length = Int(SegmentSurgery.u32(bytes, record))
            let next = record + WALFormat.recordHeaderSize + length
            if next >= bytes.count { break }
            record = next
        }
        let payload = Array(bytes[(record + WALFormat.recordHeaderSize)...])
        SegmentSurgery.put32(&bytes, record + 9, CRC32C.checksum(payload, continuing: CRC32C.checksum([bytes[record + 4]])))
        TestData.writeFile(wal, bytes)
        #expect(!(try Verifier.verify(path: path).isClean))
        #expect(throws: StorageError.self) { try Store.open(at: path, options: TestData.options()) }
    }
}
