import Testing
import TroveTestSupport
@testable import TroveStorage

@Suite struct LocalFileSystemTests {
    @Test func createDirectoryMakesMissingParentsAndRefusesAFileInTheWay() throws {
        let dir = TempDirectory()
        try LocalFileSystem().createDirectory(dir.sub("a/b/c"))
        #expect(LocalFileSystem().isDirectory(dir.sub("a/b/c")))
        try LocalFileSystem().createDirectory(dir.sub("a/b/c"))
        let file = try LocalFile(path: dir.sub("plain"), mode: .create)
        try file.append([1])
        #expect(throws: StorageError.self) { try LocalFileSystem().createDirectory(dir.sub("plain/sub")) }
        // A database can be opened where its parent folders do not exist yet.
        let store = try Store.open(at: dir.sub("data/engine"))
        try store.close()
        #expect(LocalFileSystem().exists(dir.sub("data/engine/MANIFEST")))
    }
}
