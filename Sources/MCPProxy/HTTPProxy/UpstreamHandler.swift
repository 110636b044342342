import Engine
import NIOCore

/// One connection to the upstream, owned by one ``ProxyConnection``: connecting (`channel` nil, the
/// parts to send waiting in `pending`), then connected and reused from request to request.
final class UpstreamLink {
    var channel: (any Channel)?
    var pending: [ByteBuffer] = []
    /// It carried a whole answer before (the upstream may have closed it as idle since).
    var reused = false
    /// Part of the current answer arrived.
    var answering = false
}

/// The end of an upstream connection's pipeline: hands the bytes of its answers to the ``ProxyConnection``
/// that owns the connection (both run on the same event loop).
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var owner: ProxyConnection?
    private let link: UpstreamLink
    private var error: (any Error)?

    init(owner: ProxyConnection, link: UpstreamLink) {
        self.owner = owner
        self.link = link
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.upstreamRead(link, unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamReadComplete(link)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        owner?.upstreamWritabilityChanged(link)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.error = self.error ?? error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        owner?.upstreamClosed(link, error: error)
        owner = nil
    }
}
