import Hummingbird
import NIOCore

/// A `text/event-stream` response fed by an async sequence of events: each becomes
/// `event: <name>` (when named) and `data: <json>` and a blank line.
enum SSEResponse {
    struct Event: Sendable {
        var name: String?
        var data: String
    }

    static func make<S: AsyncSequence & Sendable>(_ events: S) -> Response where S.Element == Event {
        let body = ResponseBody { writer in
            for try await event in events {
                var text = ""
                if let name = event.name { text += "event: \(name)\n" }
                text += "data: \(event.data)\n\n"
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
