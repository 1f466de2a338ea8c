import Crypto
import Foundation

/// Seals the provider API keys agents (bots) carry, so the data folder never holds them
/// in the clear: AES-256-GCM under the data key (`secrets/data.key`), the agent's id
/// bound in as associated data so a sealed key copied onto another agent does not open.
/// Stored form (docs/FORMAT.md §14): version byte 1, then the 12-byte nonce, the
/// ciphertext and the 16-byte tag. AES-GCM rather than ChaCha20-Poly1305 because the
/// server CPUs it targets have AES instructions; random 96-bit nonces stay safe far past
/// any number of keys an owner will set.
public struct AgentKeyVault: Sendable {
    static let version: UInt8 = 1
    /// Version, nonce and tag: what a sealed empty key would take.
    static let overhead = 1 + 12 + 16
    private let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// The associated data of an agent's key.
    static func context(agentID: String) -> [UInt8] { Array("trove.agent.api_key.v1\n\(agentID)".utf8) }

    /// `apiKey` sealed for the agent `agentID`, under a fresh random nonce.
    func seal(_ apiKey: String, agentID: String) throws(ChatError) -> [UInt8] {
        try seal(apiKey, agentID: agentID, nonce: AES.GCM.Nonce())
    }

    /// With a given nonce: for the format's worked example only.
    func seal(_ apiKey: String, agentID: String, nonce: AES.GCM.Nonce) throws(ChatError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(Array(apiKey.utf8), using: SymmetricKey(data: key), nonce: nonce,
                                       authenticating: Self.context(agentID: agentID))
            guard let combined = box.combined else { throw ChatError.invalid(field: "$.api_key", reason: "could not be sealed") }
            return [Self.version] + Array(combined)
        } catch let e as ChatError {
            throw e
        } catch {
            throw ChatError.invalid(field: "$.api_key", reason: "could not be sealed")
        }
    }

    /// The key `sealed` holds for agent `agentID`; a damaged value, another agent's or
    /// one sealed under another data key is a corrupt record (never a wrong key sent on).
    func open(_ sealed: [UInt8], agentID: String) throws(ChatError) -> String {
        let damaged = ChatError.corruptRecord(collection: Agent.collection, id: agentID, field: Agent.FieldName.apiKeySealed.rawValue,
                                              reason: "does not open with secrets/data.key")
        guard sealed.count >= Self.overhead, sealed.first == Self.version else { throw damaged }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed.dropFirst()))
            let plain = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Self.context(agentID: agentID))
            guard let text = String(bytes: plain, encoding: .utf8) else { throw damaged }
            return text
        } catch {
            throw damaged
        }
    }

    /// The agent's own provider key in the clear, if it has one: for the model call only.
    func apiKey(of agent: Agent) throws(ChatError) -> String? {
        try agent.sealedAPIKey.map { sealed throws(ChatError) in try open(sealed, agentID: agent.id) }
    }
}
