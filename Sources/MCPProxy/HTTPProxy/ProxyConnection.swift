import Engine
import Foundation
import Logging
import MetricsWire
import NIOCore
import NIOHTTP1

/// One client connection of `dashboard proxy --http`, relaying its requests over one upstream connection
/// of its own, on the same event loop: bytes read on one side are written to the other in the same turn,
/// with no hand-off between threads. The observer reads the payload as it passes.
///
/// The relay moves bytes, not decoded messages: it reads each head in place, writes it on with only the
/// hop-by-hop fields changed (``HeadFields``), and forwards the body exactly as its sender framed it, finding
/// its end with a ``BodyReader``. Requests on a connection come one after another (HTTP/1.1; pipelined ones
/// wait, unread, until the answer before them ended), so one upstream connection serves them all and is
/// reused between them. Each side is read only as fast as the other takes what is written to it.
final class ProxyConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let shared: HTTPProxyShared
    // The relay's state, touched only on the connection's event loop (also by `ProxyConnection+Request` and
    // `ProxyConnection+Answer`).
    var context: ChannelHandlerContext?
    var upstream: UpstreamLink?
    var exchange: ProxyExchange?
    var flushUpstream = false
    var flushClient = false
    var quiescing = false
    /// The client's bytes not relayed yet: a head still incomplete, or requests that came while the one
    /// before was still being answered (pipelined).
    var inbound = ByteBuffer()
    /// How far an incomplete head in `inbound` was searched for its end.
    var scanned = 0
    /// `relayClientBytes` is running (an exchange that ends inside it does not start it again).
    var relaying = false
    /// Checks the current exchange's deadline; one per connection, moved on as requests come.
    var timer: Scheduled<Void>?

    init(shared: HTTPProxyShared) {
        self.shared = shared
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            inbound.writeBuffer(&bytes)
        }
        relayClientBytes()
    }

    /// Relays what the client sent, up to the end of the request being answered.
    func relayClientBytes() {
        relaying = true
        defer { relaying = false }
        while context != nil, inbound.readableBytes > 0 {
            if let exchange {
                if exchange.requestEnded || !readBody(exchange) { break }
            } else if !readHead() {
                break
            }
        }
        updateReading()
    }

    /// Reads from the client only while nothing waits in `inbound` but an incomplete head, the upstream
    /// connection (if any) is there and it takes what is written to it.
    func updateReading() {
        guard let context else { return }
        let waiting = inbound.readableBytes > 0 && exchange != nil
        let upstreamTakes = upstream.map { $0.channel?.isWritable ?? false } ?? true
        context.channel.setAutoRead(!waiting && upstreamTakes)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if flushUpstream, let channel = upstream?.channel {
            flushUpstream = false
            channel.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        upstream?.channel?.setAutoRead(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if exchange == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client left: not a cancellation (it may resume a stream); its requests are waited for a while.
        if let exchange, !exchange.answerEnded {
            exchange.answer?.clientLeft()
            exchange.exchange.forgetLater(shared.observer)
        }
        exchange?.cancelTimeout()
        exchange = nil
        timer?.cancel()
        timer = nil
        inbound = ByteBuffer()
        closeUpstream()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.logger.debug("client connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Ending an exchange

    /// Answers the client here: with the cache's answer, or a 502/504 naming the upstream.
    func answerLocally(_ status: HTTPResponseStatus, body: ByteBuffer) {
        guard let context, let exchange else { return }
        exchange.answered = true
        exchange.answerEnded = true
        var answer = context.channel.allocator.buffer(capacity: 160 + body.readableBytes)
        answer.writeString(
            "HTTP/1.\(exchange.head.minorVersion) \(status.code) \(status.reasonPhrase)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.readableBytes)\r\n"
        )
        if !keepsClient(exchange) { answer.writeStaticString("Connection: close\r\n") }
        answer.writeStaticString("\r\n")
        answer.writeImmutableBuffer(body)
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
        if exchange.requestEnded {
            finished(exchange)
        } else {
            // The rest of the body is read and dropped; the upstream gets none of it.
            closeUpstream()
        }
    }

    func fail(_ failure: UpstreamFailure) {
        guard let exchange else { return }
        exchange.failure = failure
        record(failure, of: exchange)
        shared.logger.warning("\(failure.message)")
        answerLocally(failure.status, body: failure.body(for: exchange.exchange.requests))
    }

    func record(_ failure: UpstreamFailure, of exchange: ProxyExchange) {
        shared.observer.fail(
            exchange.exchange.requests,
            session: exchange.exchange.session,
            errorType: failure.errorType,
            message: failure.message
        )
    }

    func finished(_ exchange: ProxyExchange) {
        exchange.cancelTimeout()
        self.exchange = nil
        guard keepsClient(exchange) else {
            inbound = ByteBuffer()
            context?.close(promise: nil)
            return
        }
        // The requests that waited (pipelined) go on now.
        if !relaying { relayClientBytes() }
        if flushUpstream, let channel = upstream?.channel {
            flushUpstream = false
            channel.flush()
        }
    }

    func keepsClient(_ exchange: ProxyExchange) -> Bool {
        exchange.head.keepAlive && !quiescing && !exchange.closesClient
    }

    func closeUpstream() {
        guard let link = upstream else { return }
        upstream = nil
        link.channel?.close(promise: nil)
        // Reading may have waited for that connection to take more: the client's bytes are read again.
        updateReading()
    }
}
