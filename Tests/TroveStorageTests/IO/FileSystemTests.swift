import Testing
import TroveTestSupport
@testable import TroveStorage

@Suite struct FileSystemTests {
    @Test func createDirectoryMakesMissingParentsAndRefusesAFileInTheWay() throws {
        let dir = TempDirectory()
        try FileSystem.createDirectory(dir.sub("a/b/c"))
        #expect(FileSystem.isDirectory(dir.sub("a/b/c")))
        try FileSystem.createDirectory(dir.sub("a/b/c"))
        let file = try FileHandleIO(path: dir.sub("plain"), create: true)
        try file.append([1])
        #expect(throws: StorageError.self) { try FileSystem.createDirectory(dir.sub("plain/sub")) }
        // A database can be opened where its parent folders do not exist yet.
        let store = try Store.open(at: dir.sub("data/engine"))
        try store.close()
        #expect(FileSystem.exists(dir.sub("data/engine/MANIFEST")))
    }
}
