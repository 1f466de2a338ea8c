/// One server-sent event: its `event:` name (nil when the server gave none, which means
/// "message"), its `data:` lines joined with "\n", and the last `id:` seen.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// Turns the lines of a `text/event-stream` body into events, as the HTML standard's
/// event-stream interpretation does: fields are `name: value` (one optional space after
/// the colon), lines starting with ":" are comments (servers send them as keep-alives),
/// a blank line dispatches the event, and an event without data is dropped.
///
/// Unlike a browser it also hands out an event left open at the end of the stream, since
/// some servers close the connection without a last blank line.
public struct SSEDecoder: Sendable {
    private var eventName: String?
    private var dataLines: [String] = []
    private var sawData = false
    /// The id persists from one event to the next until a new one is given.
    private var lastID: String?

    public init() {}

    /// Feeds one line (without its line ending); returns an event when the line completes one.
    public mutating func feed(_ line: String) -> ServerSentEvent? {
        if line.isEmpty { return dispatch() }
        if line.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[line.startIndex..<colon]
            value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = ""
        }
        switch field {
        case "event":
            eventName = String(value)
        case "data":
            dataLines.append(String(value))
            sawData = true
        case "id":
            // An id with a NUL is ignored by the standard.
            if !value.contains("\0") { lastID = String(value) }
        default:
            // `retry` and unknown fields do not matter to a client that does not reconnect.
            break
        }
        return nil
    }

    /// At the end of the stream: the event still open, if it has data.
    public mutating func finish() -> ServerSentEvent? {
        dispatch()
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventName = nil
            dataLines.removeAll(keepingCapacity: true)
            sawData = false
        }
        guard sawData else { return nil }
        return ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"), id: lastID)
    }
}
