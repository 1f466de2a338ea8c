import ArgumentParser
import Foundation
import TroveChat
import TroveJSON

/// `trove files add|list|rm`: upload files into the owner's knowledge collections.
struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "files", abstract: "Upload, list and delete files (ingested for retrieval).",
                                                    subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upload files: store, extract, chunk, embed and index them.")
        @OptionGroup var chat: ChatOptions
        @Option(name: .long, help: "The knowledge collection.") var collection = KnowledgeCollection.defaultName
        @Argument(help: "Files to upload.") var paths: [String]

        func run() async throws {
            try await withChat(chat) { system in
                for path in paths {
                    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
                    let file = try await system.files.upload(owner: chat.owner, name: (path as NSString).lastPathComponent,
                                                             bytes: Array(data), collection: collection)
                    printJSON(file.json)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the owner's files, newest first.")
        @OptionGroup var chat: ChatOptions
        @Option(name: .long, help: "Only this collection.") var collection: String?

        func run() async throws {
            try await withChat(chat) { system in
                for f in try await system.files.list(owner: chat.owner, collection: collection, limit: 1000).files { printJSON(f.json) }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete files, their chunks, and their bytes when unshared.")
        @OptionGroup var chat: ChatOptions
        @Argument(help: "File ids.") var ids: [String]

        func run() async throws {
            try await withChat(chat) { system in
                for id in ids { try await system.files.delete(owner: chat.owner, id: id) }
            }
        }
    }
}

/// `trove retrieve "question"`: the passages an answer would cite, with no model call.
struct RetrieveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retrieve", abstract: "Find the passages of the owner's files that answer a question (no LLM needed).")
    @OptionGroup var chat: ChatOptions
    @Option(name: .long, help: "Knowledge collections to search (repeat; default: files).") var collection: [String] = []
    @Option(name: .customLong("top-k"), help: "Passages to return.") var topK = 5
    @Flag(name: .customLong("vector-only"), help: "Vector search only (default: hybrid BM25 + vector).") var vectorOnly = false
    @Argument(help: "The question.") var question: String

    func run() async throws {
        try await withChat(chat) { system in
            let found = try await system.retrieve(owner: chat.owner, query: question, collections: collection, topK: topK, hybrid: !vectorOnly)
            for s in found { printJSON(s.json) }
        }
    }
}

/// `trove chat "message"`: one exchange in a new or existing conversation, streamed.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chat", abstract: "Send a message and print the reply as it streams.")
    @OptionGroup var chat: ChatOptions
    @Option(name: .long, help: "Continue this conversation (default: a new one).") var conversation: String?
    @Option(name: .long, help: "Start the new conversation with this agent.") var agent: String?
    @Option(name: .long, help: "Attach the owner's file (repeat).") var attach: [String] = []
    @Flag(name: .long, help: "Print the stored exchange as JSON instead of the text.") var json = false
    @Argument(help: "The message.") var message: String

    func run() async throws {
        try await withChat(chat) { system in
            var id = conversation ?? ""
            if conversation == nil { id = try await system.conversations.create(owner: chat.owner, agentID: agent).id }
            do {
                for try await event in system.chat.stream(owner: chat.owner, conversationID: id, text: message, attachments: attach) {
                    switch event {
                    case let .delta(text) where !json:
                        FileHandle.standardOutput.write(Data(text.utf8))
                    case let .toolStep(step) where !json:
                        FileHandle.standardError.write(Data("[tool step \(step.step): \(step.toolCalls.map(\.name).joined(separator: ", "))]\n".utf8))
                    case let .done(exchange):
                        if json {
                            printJSON(.object([("conversation", exchange.conversation.json), ("user", exchange.user.json), ("assistant", exchange.assistant.json)]))
                        } else {
                            let u = exchange.assistant.usage
                            var tail = "\n"
                            for s in exchange.assistant.sources { tail += "[\(s.number)] \(s.fileName) chunk \(s.chunk)\n" }
                            tail += "conversation \(id) · tokens \(u.promptTokens) + \(u.completionTokens) = \(u.totalTokens)\(u.estimated ? " (estimated)" : "")\n"
                            FileHandle.standardError.write(Data(tail.utf8))
                        }
                    default:
                        break
                    }
                }
            } catch let ChatError.provider(error, _) {
                throw CLIError(error.description)
            }
        }
    }
}

/// `trove agents create|list`.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agents", abstract: "Create and list agents.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an agent from its JSON form, e.g. '{\"name\": \"Guide\", \"retrieval\": {\"enabled\": true}}'.")
        @OptionGroup var chat: ChatOptions
        @Argument(help: "The agent as JSON.") var json: String

        func run() async throws {
            let value: JSONValue
            do { value = try JSONParser.parse(json) } catch { throw CLIError("the agent is not valid JSON: \(error)") }
            try await withChat(chat) { system in printJSON(try await system.agents.create(owner: chat.owner, value).json) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the owner's agents, newest first.")
        @OptionGroup var chat: ChatOptions

        func run() async throws {
            try await withChat(chat) { system in
                for a in try await system.agents.list(owner: chat.owner, limit: 1000).agents { printJSON(a.json) }
            }
        }
    }
}

/// `trove messages search "q" [--from T] [--to T]`.
struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "messages", abstract: "Search messages by text and time.", subcommands: [Search.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Messages matching words and a time range, newest first (or --relevance).")
        @OptionGroup var chat: ChatOptions
        @Option(name: .long, help: "From this time (RFC 3339).") var from: String?
        @Option(name: .long, help: "Before this time (RFC 3339).") var to: String?
        @Option(name: .long, help: "Only this conversation.") var conversation: String?
        @Flag(name: .long, help: "Most relevant first.") var relevance = false
        @Option(name: .long, help: "Hits to print.") var limit = 20
        @Argument(help: "Words to look for (may be empty with a time range).") var query: String = ""

        func run() async throws {
            var q = MessageQuery(text: query, conversationID: conversation)
            if let from { guard let t = Timestamp.parse(from) else { throw CLIError("--from: not an RFC 3339 time") }; q.from = t }
            if let to { guard let t = Timestamp.parse(to) else { throw CLIError("--to: not an RFC 3339 time") }; q.to = t }
            q.order = relevance ? .relevance : .newest
            q.limit = limit
            try await withChat(chat) { system in
                for hit in try await system.messages.search(owner: chat.owner, q).hits {
                    printJSON(.object([("message", hit.message.json), ("score", .double(hit.score)), ("snippet", hit.snippet.map(JSONValue.string))]))
                }
            }
        }
    }
}
