import Foundation
import Testing
@testable import TroveStorage

/// Version-2 segments whose checksums hold and whose dictionary values lie: each is a
/// typed error when the segment opens or when the block is read, never a trap or a
/// document decoded with the wrong dictionary.
@Suite struct BlockDictionariesTests {
    /// A closed database whose one segment is a version-2 merge of four; its path.
    static func mergedSegment(_ path: String) throws -> String {
        let store = try MergeCopyTests.fourSegments(path)
        try MergeCopyTests.mergeAll(store)
        try store.close()
        let segments = TestData.files(path, kind: "seg")
        guard segments.count == 1 else { throw StorageError.invalidArgument("expected one segment, found \(segments.count)") }
        return segments[0]
    }

    static func opens(_ path: String) -> Bool {
        guard let store = try? Store.open(at: path, options: TestData.options()) else { return false }
        try? store.close()
        return true
    }

    @Test func theMergedSegmentReadsAndEveryDictionaryValueIsChecked() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let seg = try Self.mergedSegment(path)
        let original = TestData.readFile(seg)
        #expect(Self.opens(path))
        let edits: [(SectionTag, (inout [UInt8]) -> Void)] = [
            (.blockDictionaries, { b in b[0] = 4; b[1] = 0 }),                 // dictionary 4 of 4
            (.blockDictionaries, { b in b[0] = 0xFE; b[1] = 0xFF }),           // far past the list
            (.dictionaries, { b in SegmentSurgery.put32(&b, 0, 1_000) }),      // count beyond the limit
            (.dictionaries, { b in SegmentSurgery.put32(&b, 0, 3) }),          // bytes left over
            (.dictionaries, { b in SegmentSurgery.put32(&b, 8, UInt32.max) }), // a length past the end
            (.dictionaries, { b in SegmentSurgery.put32(&b, 8, 0) }),          // an empty dictionary
        ]
        for (tag, edit) in edits {
            TestData.writeFile(seg, original)
            try SegmentSurgery.edit(seg, section: tag, edit)
            #expect(throws: StorageError.self, "\(tag)") { try SegmentReader(path: seg, number: 1, cache: BlockCache(capacityBytes: 1 << 20)) }
            #expect(!Self.opens(path), "\(tag)")
        }
        TestData.writeFile(seg, original)
        #expect(Self.opens(path))
    }

    /// Block 0 relabelled with another source's dictionary: the segment opens (the label
    /// is in range), that block's reads fail with corruption, other blocks still read.
    @Test func aBlockLabelledWithTheWrongDictionaryIsCorruptionOfThatBlock() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let seg = try Self.mergedSegment(path)
        try SegmentSurgery.edit(seg, section: .blockDictionaries) { b in b[0] = 1; b[1] = 0 }
        let reader = try SegmentReader(path: seg, number: 1, cache: BlockCache(capacityBytes: 1 << 20))
        do {
            _ = try reader.block(0, useCache: false)
            Issue.record("block 0 decompressed with the wrong dictionary")
        } catch let error as StorageError {
            guard case .corruption = error else { Issue.record("\(error)"); return }
        }
        _ = try reader.block(reader.blocks - 1, useCache: false)
        #expect(!(try Verifier.verify(path: path).isClean))
    }

    @Test func versionsAreCheckedInTheHeaderAndTheFooter() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let seg = try Self.mergedSegment(path)
        let original = TestData.readFile(seg)
        func withVersions(header: UInt32, footer: UInt32) -> [UInt8] {
            var b = original
            SegmentSurgery.put32(&b, 8, header)
            SegmentSurgery.put32(&b, b.count - 48 + 28, footer)
            return ChecksumRepair.segment(b)
        }
        for (header, footer) in [(3, 3), (1, 2), (2, 1), (0, 0)] as [(UInt32, UInt32)] {
            TestData.writeFile(seg, withVersions(header: header, footer: footer))
            #expect(throws: StorageError.self, "\(header)/\(footer)") { try SegmentReader(path: seg, number: 1, cache: BlockCache(capacityBytes: 1 << 20)) }
        }
        // A version-2 segment read as version 1 would ignore its labels: refused (no ZDIC).
        TestData.writeFile(seg, withVersions(header: 1, footer: 1))
        let asOne = try SegmentReader(path: seg, number: 1, cache: BlockCache(capacityBytes: 1 << 20))
        #expect(throws: StorageError.self) { _ = try asOne.block(0, useCache: false) }
    }
}
