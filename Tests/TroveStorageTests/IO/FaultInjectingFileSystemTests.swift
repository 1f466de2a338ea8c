#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TroveStorage

/// The test file system itself: its faults fire where asked, and its power loss keeps
/// exactly what the model says, so the store's fault tests test the store.
@Suite struct FaultInjectingFileSystemTests {
    @Test func aFaultFiresOnTheCallItNamesAndATornWriteLeavesHalf() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        let file = try fs.open(dir.sub("f"), mode: .create)
        fs.inject(Fault(.write, after: 1, errno: ENOSPC, torn: true))
        try file.append([1, 2, 3, 4])
        #expect(throws: StorageError.self) { try file.append([5, 6, 7, 8]) }
        try file.append([9])
        #expect(try file.read(at: 0, count: 100) == [1, 2, 3, 4, 5, 6, 9])
        #expect(fs.fired.count == 1 && fs.armed.isEmpty)

        fs.inject(Fault(.sync, persistent: true))
        #expect(throws: StorageError.self) { try file.sync() }
        #expect(throws: StorageError.self) { try file.sync() }
        fs.clear()
        try file.sync()
    }

    @Test func powerLossKeepsSyncedBytesAndDropsOrKeepsTheRest() throws {
        for (loss, expected) in [(FaultInjectingFileSystem.UnsyncedBytes.lost, [UInt8]([1, 2])), (.kept, [1, 2, 3, 4])] {
            let dir = TempDirectory(), fs = FaultInjectingFileSystem()
            let file = try fs.open(dir.sub("f"), mode: .create)
            try file.append([1, 2])
            try file.sync()
            try fs.syncDirectory(dir.path)
            try file.append([3, 4])
            try fs.crash(loss)
            #expect(TestData.readFile(dir.sub("f")) == expected)
            #expect(throws: StorageError.self) { try file.append([5]) }
        }
    }

    @Test func powerLossUndoesCreationsAndRenamesTheDirectoryDidNotSync() throws {
        let dir = TempDirectory(), fs = FaultInjectingFileSystem()
        try fs.writeAtomically([1], to: dir.sub("kept"), directory: dir.path)
        let unsynced = try fs.open(dir.sub("new"), mode: .create)
        try unsynced.append([7])
        try unsynced.sync()
        // A replacement whose rename is never made durable.
        let tmp = try fs.open(dir.sub("kept.tmp"), mode: .create)
        try tmp.append([2])
        try tmp.sync()
        try fs.rename(dir.sub("kept.tmp"), to: dir.sub("kept"))
        try fs.crash(.kept)
        #expect(TestData.readFile(dir.sub("kept")) == [1])
        #expect(!LocalFileSystem().exists(dir.sub("new")))
        #expect(!LocalFileSystem().exists(dir.sub("kept.tmp")))
    }
}
