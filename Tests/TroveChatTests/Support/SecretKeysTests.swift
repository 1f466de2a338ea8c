import Foundation
import Testing
import TroveTestSupport
@testable import TroveChat

@Suite struct SecretKeysTests {
    @Test func aKeyIsMadeOnceThenReadBack() throws {
        let dir = TempDirectory()
        let secrets = SecretKeys(folder: dir.sub("secrets"))
        let first = try secrets.key("a.key")
        #expect(first.count == 32)
        #expect(try secrets.key("a.key") == first)
        #expect(try SecretKeys(folder: dir.sub("secrets")).key("a.key") == first, "a fresh value reads the same file")
        #expect(try secrets.key("b.key") != first, "each name is its own random key")
    }

    @Test func onlyTheOwnerCanReadTheKeys() throws {
        let dir = TempDirectory()
        let secrets = SecretKeys(folder: dir.sub("secrets"))
        _ = try secrets.key("a.key")
        let file = try FileManager.default.attributesOfItem(atPath: dir.sub("secrets/a.key"))
        let folder = try FileManager.default.attributesOfItem(atPath: dir.sub("secrets"))
        #expect((file[.posixPermissions] as? Int) == 0o600)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
    }

    @Test func aKeyFileOfTheWrongLengthIsReplaced() throws {
        let dir = TempDirectory()
        let secrets = SecretKeys(folder: dir.sub("secrets"))
        try FileManager.default.createDirectory(atPath: dir.sub("secrets"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.sub("secrets/a.key")))
        let key = try secrets.key("a.key")
        #expect(key.count == 32)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.sub("secrets/a.key"))) == Data(key))
    }
}
