import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request is not answered within the deadline, counted from its head.
/// The idle timeout alone does not stop a client that sends one byte of body every few seconds:
/// each byte counts as activity. This bounds how long any request, authenticated or not, holds a
/// connection and its buffers.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let deadline: TimeAmount
    var pending: Scheduled<Void>?
    /// The deadline ends only when both are done: an answer given early (413) must not let the
    /// client go on trickling the rest of its body for ever.
    var requestRead = false, answered = false

    init(deadline: TimeAmount) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            (requestRead, answered) = (false, false)
            if pending == nil {
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                pending = context.eventLoop.scheduleTask(in: deadline) {
                    loopBound.value.close(promise: nil)
                }
            }
        case .end:
            requestRead = true
            finishIfDone()
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answered = true
            finishIfDone()
        }
        context.write(data, promise: promise)
    }

    func finishIfDone() {
        guard requestRead, answered else { return }
        pending?.cancel()
        pending = nil
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
    }
}
