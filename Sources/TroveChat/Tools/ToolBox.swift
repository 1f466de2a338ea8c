import Foundation
import TroveJSON

/// The built-in tools an agent may enable, described to the model in OpenAI's function
/// format and run here: `search_documents`, `search_messages`, `calculator` and
/// `current_time`. A tool's failure is its result (an `error: …` text the model reads),
/// never a failed message.
struct ToolBox: Sendable {
    let retriever: Retriever
    let messages: MessageLog
    let retrieval: RetrievalSettings

    static func specs(_ names: [String]) -> [ToolSpec] {
        names.compactMap { name in
            switch name {
            case "search_documents":
                return ToolSpec(name: name, description: "Search the user's documents and return the most relevant passages.",
                                parameters: schema(["query": ("string", "what to look for"), "top_k": ("integer", "how many passages (1-20)")], required: ["query"]))
            case "search_messages":
                return ToolSpec(name: name, description: "Search the user's past chat messages by text and optional time range (RFC 3339 times).",
                                parameters: schema(["query": ("string", "words to look for"), "from": ("string", "start time, RFC 3339"),
                                                    "to": ("string", "end time, RFC 3339")], required: ["query"]))
            case "calculator":
                return ToolSpec(name: name, description: "Evaluate an arithmetic expression: + - * / % ^, parentheses, sqrt, ln, log, sin, cos, min, max, pi, e.",
                                parameters: schema(["expression": ("string", "the expression, e.g. (2+3)*4^2")], required: ["expression"]))
            case "current_time":
                return ToolSpec(name: name, description: "The current date and time, in UTC or an IANA time zone.",
                                parameters: schema(["timezone": ("string", "IANA zone such as Europe/Paris; default UTC")], required: []))
            default:
                return nil
            }
        }
    }

    private static func schema(_ properties: [String: (String, String)], required: [String]) -> JSONValue {
        .object([
            ("type", .string("object")),
            ("properties", .object(properties.keys.sorted().map { key in
                (key, JSONValue.object([("type", .string(properties[key]?.0 ?? "string")), ("description", .string(properties[key]?.1 ?? ""))]))
            })),
            ("required", .array(required.map(JSONValue.string))),
        ])
    }

    /// Runs one call for `owner` and returns what the model is told.
    func run(_ call: ToolCall, owner: String, now: Date = Date()) async -> String {
        let args: JSONValue
        do {
            let text = call.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
            args = text.isEmpty ? .object([]) : try JSONParser.parse(text)
        } catch {
            return "error: the arguments are not valid JSON (\(error))"
        }
        do {
            switch call.name {
            case "calculator":
                guard let e = args["expression"]?.stringValue else { return "error: 'expression' (a string) is required" }
                return Calculator.format(try Calculator.evaluate(e))
            case "current_time":
                return try Self.time(now, zone: args["timezone"]?.stringValue)
            case "search_documents":
                guard let q = args["query"]?.stringValue else { return "error: 'query' (a string) is required" }
                var request = Retriever.Request(query: q, collections: retrieval.collections, topK: min(max(args["top_k"]?.intValue ?? retrieval.topK, 1), 20),
                                                hybrid: retrieval.hybrid, minScore: retrieval.minScore, tokenBudget: 2000)
                request.fileIDs = []
                let found = try await retriever.retrieve(owner: owner, request)
                guard !found.isEmpty else { return "no matching passages" }
                return found.map { "[\($0.number)] \($0.fileName) (chunk \($0.chunk)): \($0.text)" }.joined(separator: "\n\n")
            case "search_messages":
                guard let q = args["query"]?.stringValue else { return "error: 'query' (a string) is required" }
                var query = MessageQuery(text: q)
                query.from = args["from"]?.stringValue.flatMap(Timestamp.parse)
                query.to = args["to"]?.stringValue.flatMap(Timestamp.parse)
                query.limit = 10
                let found = try await messages.search(owner: owner, query).hits
                guard !found.isEmpty else { return "no matching messages" }
                return found.map { "\(RecordClock.rfc3339($0.message.createdAt)) \($0.message.role.rawValue): \($0.snippet ?? String($0.message.content.prefix(300)))" }
                    .joined(separator: "\n")
            default:
                return "error: no tool named '\(call.name)'"
            }
        } catch {
            return "error: \(error)"
        }
    }

    static func time(_ now: Date, zone: String?) throws -> String {
        let tz: TimeZone
        if let zone, !zone.isEmpty {
            guard let found = TimeZone(identifier: zone) else { return "error: unknown time zone '\(zone)'" }
            tz = found
        } else {
            tz = TimeZone(identifier: "UTC") ?? .current
        }
        let f = ISO8601DateFormatter()
        f.timeZone = tz
        f.formatOptions = [.withInternetDateTime]
        let weekday = DateFormatter()
        weekday.locale = Locale(identifier: "en_US_POSIX")
        weekday.timeZone = tz
        weekday.dateFormat = "EEEE"
        return "\(f.string(from: now)) (\(weekday.string(from: now)), \(zone.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"))"
    }
}
