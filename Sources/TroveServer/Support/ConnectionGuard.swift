import NIOCore
import NIOHTTPTypes
import Synchronization

/// Counts the server's open connections, shared by every connection's guard.
final class ConnectionCount: Sendable {
    private let open = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Takes a place; false (and nothing taken) when all are in use.
    func enter() -> Bool {
        while true {
            let now = open.load(ordering: .relaxed)
            guard now < limit else { return false }
            if open.compareExchange(expected: now, desired: now + 1, ordering: .relaxed).exchanged { return true }
        }
    }

    func leave() { open.subtract(1, ordering: .relaxed) }

    var current: Int { open.load(ordering: .relaxed) }
}

/// One per connection, after HTTP decoding. Closes the connection
/// - at once when the server already has `ConnectionCount.limit` open;
/// - when a request has not been read whole within `readSeconds` of the connection
///   opening or the previous response ending (a sender dribbling a head or a body holds
///   a descriptor forever otherwise; slow readers of long answers are not affected:
///   the clock is stopped while a response is written).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let count: ConnectionCount
    private let readTime: TimeAmount
    private var entered = false
    private var deadline: Scheduled<Void>?

    init(count: ConnectionCount, readSeconds: Int) {
        self.count = count
        readTime = .seconds(Int64(max(1, readSeconds)))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        entered = count.enter()
        guard entered else {
            // Closed once the pipeline is set up: closing from inside its setup is lost.
            let channel = context.channel
            context.eventLoop.execute { channel.close(promise: nil) }
            return
        }
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        if entered { count.leave() }
        entered = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: readTime) { channel.close(promise: nil) }
    }
}
