import Engine
import NIOCore

/// The end of an upstream connection's pipeline: hands its events to the ``ProxyConnection`` that owns the
/// connection (both run on the same event loop), naming the connection by its number.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var owner: ProxyConnection?
    private let number: Int
    private var error: (any Error)?

    init(owner: ProxyConnection, number: Int) {
        self.owner = owner
        self.number = number
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.upstreamRead(number, unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamReadComplete(number)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        owner?.upstreamWritabilityChanged(number, context.channel.isWritable)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.error = self.error ?? error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        owner?.upstreamClosed(number, error: error)
        owner = nil
    }
}
