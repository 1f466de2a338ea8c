import Foundation
import Testing
@testable import TroveStorage

@Suite struct CorruptionTests {
    @Test func aFlippedByteInABlockIsFoundByVerifyAndByReadsOfThatBlockOnly() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let segPath = try TestData.makeDatabase(path)
        let reader = try SegmentReader(path: segPath, number: 0, cache: BlockCache(capacityBytes: 0))
        #expect(reader.blocks > 3)
        let block = reader.blockEntry(2)
        let nextFirst = reader.blockEntry(3).firstOrdinal
        let flipped = Int(block.offset) + block.compressedLength / 2
        var bytes = TestData.readFile(segPath)
        bytes[flipped] ^= 0x01
        TestData.writeFile(segPath, bytes)

        let report = try Verifier.verify(path: path)
        #expect(!report.isClean)
        let p = try #require(report.problems.first)
        #expect(p.file == segPath)
        #expect(p.offset <= Int64(flipped) && Int64(flipped) < p.offset + (p.length ?? 1))

        let store = try Store.open(at: path, options: TestData.options())
        defer { try? store.close() }
        let badID = "msg-\(block.firstOrdinal)"
        do {
            _ = try store.get(badID, in: "m")
            Issue.record("read of a damaged block succeeded")
        } catch let StorageError.corruption(file, offset, _) {
            #expect(file == segPath)
            #expect(offset == block.offset)
        }
        #expect(try store.get("msg-0", in: "m") != nil)
        #expect(try store.get("msg-\(nextFirst)", in: "m") != nil)
    }

    @Test func randomBytesAndTruncationsAsASegmentAreTypedErrors() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        let segPath = try TestData.makeDatabase(path, docs: 200)
        let original = TestData.readFile(segPath)
        var rng = SplitMix64(state: 9)
        var cases: [[UInt8]] = [[], Array(original.prefix(10)), Array(original.dropLast(1)), Array(original.dropLast(48)), Array(original.prefix(original.count / 2))]
        for size in [64, 4096, original.count] { cases.append((0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        for bytes in cases {
            TestData.writeFile(segPath, bytes)
            do {
                _ = try Store.open(at: path, options: TestData.options())
                Issue.record("open succeeded with a damaged segment of \(bytes.count) bytes")
            } catch let StorageError.corruption(file, _, _) {
                #expect(file == segPath)
            }
            #expect(!(try Verifier.verify(path: path).isClean))
        }
    }

    @Test func randomBytesAndTruncationsAsAManifestAreTypedErrors() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        _ = try TestData.makeDatabase(path, docs: 10)
        let manifestPath = path + "/MANIFEST"
        let original = TestData.readFile(manifestPath)
        var rng = SplitMix64(state: 13)
        var cases: [[UInt8]] = (0..<original.count).map { Array(original.prefix($0)) }
        for size in [8, 100, 5000] { cases.append((0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        var flipped = original
        flipped[30] ^= 0x10
        cases.append(flipped)
        for bytes in cases {
            TestData.writeFile(manifestPath, bytes)
            #expect(throws: StorageError.self) { try Store.open(at: path, options: TestData.options()) }
        }
        TestData.writeFile(manifestPath, original)
        #expect(try Store.open(at: path, options: TestData.options()).get("msg-1", in: "m") != nil)
    }

    @Test func aMissingManifestWithDataFilesIsAnErrorNotAnEmptyDatabase() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        _ = try TestData.makeDatabase(path, docs: 10)
        LocalFileSystem().remove(path + "/MANIFEST")
        #expect(throws: StorageError.self) { try Store.open(at: path, options: TestData.options()) }
    }
}
