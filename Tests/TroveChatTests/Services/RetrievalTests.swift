import Testing
@testable import TroveChat
import TroveEmbed
import TroveJSON
import TroveStorage

/// Retrieval-augmented answers with the native MiniLM embedder (real vectors) and the
/// stand-in model: passages are cited in the prompt and returned as sources.
@Suite(.serialized) struct RetrievalTests {
    static let minilm: Result<MiniLMEmbedder, Error> = Result { try ModelCatalog().load() }

    @Test func answersCiteTheOwnersPassagesAndReturnThemAsSources() async throws {
        let h = try await ChatHarness.start(embedder: try Self.minilm.get())
        defer { Task { await h.stop() } }
        let s = h.system
        for name in ["sample.txt", "sample.md", "sample.html", "sample.csv", "sample.docx"] {
            let f = try await s.files.upload(owner: "alice", name: name, bytes: ChatHarness.fixture(name), collection: "nature")
            #expect(f.status == .indexed)
        }
        _ = try await s.files.upload(owner: "bob", name: "bob.txt", bytes: Array("Where do herons nest? Bob's herons nest on the roof of the barn.".utf8))
        let agent = try await s.agents.create(owner: "alice", JSONParser.parse(#"{"name": "Guide", "retrieval": {"enabled": true, "collections": ["nature"], "top_k": 3, "hybrid": true}}"#))
        let c = try await s.conversations.create(owner: "alice", agentID: agent.id)
        let ex = try await s.chat.send(owner: "alice", conversationID: c.id, text: "Where does the heron nest?")
        #expect(!ex.assistant.sources.isEmpty && ex.assistant.sources.count <= 3)
        #expect(ex.assistant.sources.first?.text.contains("heron") == true)
        #expect(ex.assistant.sources.map(\.number) == Array(1...ex.assistant.sources.count))
        #expect(ex.assistant.sources.allSatisfy { $0.collection == "nature" && !$0.text.contains("barn") })
        // The prompt carried the passages with their numbers, before the question.
        let sent = try #require(h.chatBodies.last?["messages"]?.arrayValue)
        let passages = try #require(sent.dropLast().last?["content"]?.stringValue)
        #expect(passages.contains("[1]") && passages.contains("heron"))
        #expect(sent.last?["content"]?.stringValue == "Where does the heron nest?")
        // Stored with the message, and duplicates never appear twice.
        #expect(try await s.messages.get(owner: "alice", id: ex.assistant.id).sources == ex.assistant.sources)
        #expect(Set(ex.assistant.sources.map(\.text)).count == ex.assistant.sources.count)
        // A minimum similarity above any passage leaves none.
        #expect(try await s.retrieve(owner: "alice", query: "Where does the heron nest?", collections: ["nature"], minScore: 0.99).isEmpty)
        // Vector-only retrieval finds it too; another collection name finds nothing.
        #expect(try await s.retrieve(owner: "alice", query: "heron nesting place", collections: ["nature"], hybrid: false).first?.text.contains("heron") == true)
        #expect(try await s.retrieve(owner: "alice", query: "heron", collections: ["other"]).isEmpty)
    }

    /// The text side reads the question as typed (match mode): a part number pasted after a
    /// long preamble, punctuation and all, still finds the one passage that holds it.
    @Test func aLongPastedQuestionIsSearchedWhole() async throws {
        let h = try await ChatHarness.start(embedder: try Self.minilm.get())
        defer { Task { await h.stop() } }
        let s = h.system
        _ = try await s.files.upload(owner: "alice", name: "parts.txt", bytes: Array("Replacement part ZQ-7731 fits the older pump housing.".utf8))
        _ = try await s.files.upload(owner: "alice", name: "kettles.txt", bytes: Array("A kettle boils water on the stove; descale it every month.".utf8))
        // About making tea (close to the kettle passage in meaning), sharing none of its words.
        let preamble = """
            Each morning I brew tea for my family before we head out; the pot whistles loudly, \
            we pour it into big mugs, add honey and lemon, and sit by the window watching birds. \
            On weekends we make a second round in the afternoon, with ginger, mint from the garden \
            or a spoon of jam, and the children dunk biscuits until they fall apart in the cups. \
            Tea time is our favourite hour of the day.
            """
        let question = preamble + " (sorry, long story) - which item is ZQ-7731?"
        #expect(question.split(separator: " ").count > 64)
        let found = try await s.retrieve(owner: "alice", query: question, topK: 1)
        #expect(found.first?.fileName == "parts.txt", "\(found.map(\.fileName))")
    }

    @Test func attachmentsRestrictRetrievalToThoseFiles() async throws {
        let h = try await ChatHarness.start(embedder: try Self.minilm.get())
        defer { Task { await h.stop() } }
        let s = h.system
        let a = try await s.files.upload(owner: "alice", name: "a.txt", bytes: Array("The blue kettle whistles at dawn in the cabin.".utf8))
        _ = try await s.files.upload(owner: "alice", name: "b.txt", bytes: Array("The red kettle sits cold in the garage.".utf8))
        let c = try await s.conversations.create(owner: "alice")
        let ex = try await s.chat.send(owner: "alice", conversationID: c.id, text: "Tell me about the kettle", attachments: [a.id])
        #expect(ex.assistant.sources.map(\.fileID) == [a.id])
        #expect(ex.user.attachments == [a.id])
        let bobs = try await s.files.upload(owner: "bob", name: "x.txt", bytes: Array("bob kettle".utf8))
        await #expect(throws: ChatError.notFound(kind: "file", id: bobs.id)) {
            try await s.chat.send(owner: "alice", conversationID: c.id, text: "kettle?", attachments: [bobs.id])
        }
    }
}
