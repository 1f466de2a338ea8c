import Foundation
@testable import TroveChat
import TroveEmbed
import TroveJSON
import TroveRemote
import TroveStandIn
import TroveStorage
import TroveTestSupport

/// A chat system on a fresh data folder, its model and embeddings served by the stand-in
/// on 127.0.0.1 (OpenAI's wire format unless said otherwise).
final class ChatHarness: @unchecked Sendable {
    let folder: TempDirectory
    let server: StandInServer
    let system: ChatSystem

    static func start(provider: ChatProviderKind = .openai, model: String = "standin", settings: (inout ChatSettings) -> Void = { _ in },
                      embedder: (any Embedder)? = nil) async throws -> ChatHarness {
        let server = try await StandInServer.start(dimension: 64)
        var s = ChatSettings()
        s.provider = provider
        s.llmURL = provider == .openai ? server.baseURL + "/v1" : server.baseURL
        s.llmModel = model
        s.llmTimeoutSeconds = 10
        settings(&s)
        let chosen: any Embedder
        if let embedder { chosen = embedder } else { chosen = try await RemoteEmbedder.connect(url: server.baseURL + "/v1", model: "embed") }
        let folder = TempDirectory("trove-chat")
        let system = try await ChatSystem.open(dataFolder: folder.sub("data"), settings: s, embedder: chosen, counter: EstimatingTokenCounter())
        return ChatHarness(folder: folder, server: server, system: system)
    }

    private init(folder: TempDirectory, server: StandInServer, system: ChatSystem) {
        self.folder = folder
        self.server = server
        self.system = system
    }

    func stop() async {
        try? system.close()
        await server.stop()
    }

    /// The JSON bodies of the chat requests the stand-in received, in order.
    var chatBodies: [JSONValue] { server.chatRequests.compactMap { try? JSONParser.parse($0.body) } }

    static func fixture(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }
}
