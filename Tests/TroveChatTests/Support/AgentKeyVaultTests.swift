import Crypto
import Foundation
import Testing
import TroveStorage
import TroveTestSupport
@testable import TroveChat

@Suite struct AgentKeyVaultTests {
    private let vault = AgentKeyVault(key: Array(repeating: 7, count: 32))

    @Test func aSealedKeyOpensOnlyForItsAgent() throws {
        let sealed = try vault.seal("sk-live-0123456789", agentID: "agent-a")
        #expect(try vault.open(sealed, agentID: "agent-a") == "sk-live-0123456789")
        #expect(try vault.seal("sk-live-0123456789", agentID: "agent-a") != sealed, "a fresh nonce each time")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("sk-live"), "the stored bytes do not hold the key")
        let damaged = ChatError.corruptRecord(collection: "chat_agents", id: "agent-b", field: "api_key_sealed", reason: "does not open with secrets/data.key")
        #expect(throws: damaged) { try vault.open(sealed, agentID: "agent-b") }
        #expect(throws: ChatError.self) { try AgentKeyVault(key: Array(repeating: 8, count: 32)).open(sealed, agentID: "agent-a") }
    }

    @Test func damagedSealedBytesAreACorruptRecord() throws {
        let sealed = try vault.seal("sk-abc", agentID: "a")
        var flipped = sealed
        flipped[flipped.count - 1] ^= 1
        var otherVersion = sealed
        otherVersion[0] = 2
        for bad in [flipped, otherVersion, Array(sealed.prefix(20)), [], Array(sealed.dropLast())] {
            #expect(throws: ChatError.self) { try vault.open(bad, agentID: "a") }
        }
    }

    /// The layout docs/FORMAT.md §14 gives: version 1, the nonce, the ciphertext (as long
    /// as the key), the tag; AES-256-GCM with the agent's context as associated data.
    @Test func theStoredLayoutIsTheDocumentedOne() throws {
        let nonceBytes: [UInt8] = Array(0..<12)
        let sealed = try vault.seal("sk-abc", agentID: "a1", nonce: try AES.GCM.Nonce(data: nonceBytes))
        #expect(sealed.count == 1 + 12 + 6 + 16)
        #expect(sealed[0] == 1 && Array(sealed[1..<13]) == nonceBytes)
        let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: nonceBytes), ciphertext: sealed[13..<19], tag: sealed[19...])
        let plain = try AES.GCM.open(box, using: SymmetricKey(data: Array(repeating: UInt8(7), count: 32)),
                                     authenticating: Array("trove.agent.api_key.v1\na1".utf8))
        #expect(Array(plain) == Array("sk-abc".utf8))
    }

    @Test func theDataKeyIsMadeOnceAndNeverReplaced() throws {
        let dir = TempDirectory()
        let secrets = SecretKeys(folder: dir.sub("secrets"))
        let key = try secrets.dataKey()
        #expect(key.count == 32)
        #expect(try secrets.dataKey() == key)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.sub("secrets/data.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.sub("secrets/data.key")))
        #expect(throws: StorageError.self) { try secrets.dataKey() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.sub("secrets/data.key"))) == Data([1, 2, 3]), "left as it was, for the operator to restore")
    }
}
