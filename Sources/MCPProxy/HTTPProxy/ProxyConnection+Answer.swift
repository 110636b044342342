import Engine
import Foundation
import Logging
import MetricsWire
import NIOCore
import NIOHTTP1

/// The upstream's answers (called by `UpstreamHandler`, on the connection's event loop): each head read and
/// written on, each body relayed as framed, and a connection the upstream closed.
extension ProxyConnection {
    func upstreamConnected(_ link: UpstreamLink, channel: any Channel) {
        guard link === upstream else {
            channel.close(promise: nil)
            return
        }
        link.channel = channel
        for bytes in link.pending { channel.write(bytes, promise: nil) }
        link.pending = []
        channel.flush()
        updateReading()
    }

    func upstreamFailedToConnect(_ link: UpstreamLink, _ error: any Error) {
        guard link === upstream else { return }
        upstream = nil
        updateReading()
        guard let exchange, !exchange.answered else { return }
        fail(UpstreamFailure.unreachable(shared.settings.upstream, error))
    }

    func upstreamRead(_ link: UpstreamLink, _ bytes: ByteBuffer) {
        guard link === upstream, let context else { return }
        guard let exchange, !exchange.answerEnded, exchange.requestSent else {
            // Bytes no request asked for (after an answer, or before the request went): a connection that
            // cannot be trusted to frame the next answer.
            closeUpstream()
            return
        }
        if exchange.answered, exchange.answer == nil { return }
        link.answering = true
        var body = bytes
        if exchange.answerReader == nil {
            guard let rest = readAnswerHead(exchange, bytes, context) else { return }
            body = rest
        }
        relayAnswerBody(exchange, body, link, context)
    }

    /// Reads the answer's head (after any 1xx heads, relayed); returns the bytes after it, nil while it is
    /// incomplete or when it was refused.
    func readAnswerHead(
        _ exchange: ProxyExchange,
        _ bytes: ByteBuffer,
        _ context: ChannelHandlerContext
    ) -> ByteBuffer? {
        var pending = bytes
        if exchange.answerHead.readableBytes > 0 {
            exchange.answerHead.writeImmutableBuffer(bytes)
            pending = exchange.answerHead
        }
        // HTTP/1.0 has no chunked coding: such a client gets the bare payload, its connection closed at the end.
        let dechunked = exchange.head.minorVersion == 0
        while true {
            let method = exchange.head.method
            let parsed: Result<(ResponseHead, Int)?, HeadError> = pending.withUnsafeReadableBytes { bytes in
                Result { () throws(HeadError) in
                    guard let length = try HeadFields.completeHead(bytes, scanned: &exchange.answerScanned) else {
                        return nil
                    }
                    return (try ResponseHead(bytes, length: length, method: method, dechunked: dechunked), length)
                }
            }
            switch parsed {
            case .success(nil):
                exchange.answerHead = pending
                return nil
            case .failure(let error):
                exchange.answerHead = ByteBuffer()
                exchange.cancelTimeout()
                closeUpstream()
                fail(UpstreamFailure.malformed(shared.settings.upstream, error.reason))
                return nil
            case .success(let (head, length)?):
                pending.moveReaderIndex(forwardBy: length)
                exchange.answerScanned = 0
                if head.isInformational {
                    // 1xx: passed on to an HTTP/1.1 client (100 Continue lets it send its body); the answer follows.
                    if exchange.head.minorVersion == 1 {
                        var informational = head.clientHead
                        informational.writeStaticString("\r\n")
                        context.write(wrapOutboundOut(informational), promise: nil)
                        flushClient = true
                    }
                    continue
                }
                exchange.answerHead = ByteBuffer()
                answerBegins(exchange, head, context)
                return pending
            }
        }
    }

    func answerBegins(_ exchange: ProxyExchange, _ head: ResponseHead, _ context: ChannelHandlerContext) {
        exchange.cancelTimeout()
        exchange.answered = true
        exchange.upstreamKeepAlive = head.keepAlive
        exchange.closesClient = head.framing == .untilClose
        exchange.dechunks = head.framing == .chunked && exchange.head.minorVersion == 0
        exchange.answerReader = BodyReader(head.framing)
        exchange.answer = UpstreamAnswer(
            head,
            exchange: exchange.exchange,
            method: exchange.head.method,
            observer: shared.observer,
            messageLimit: shared.settings.messageLimit
        )
        var clientHead = head.clientHead
        if !keepsClient(exchange) { clientHead.writeStaticString("Connection: close\r\n") }
        clientHead.writeStaticString("\r\n")
        context.write(wrapOutboundOut(clientHead), promise: nil)
        flushClient = true
    }

    func relayAnswerBody(
        _ exchange: ProxyExchange,
        _ bytes: ByteBuffer,
        _ link: UpstreamLink,
        _ context: ChannelHandlerContext
    ) {
        var found: [SSEReader.Event] = []
        // For an HTTP/1.0 client a chunked answer is passed on as its payload (`ResponseHead`, `dechunked`).
        var payload = exchange.dechunks ? context.channel.allocator.buffer(capacity: bytes.readableBytes) : nil
        let read: Result<Int, BodyReader.Malformed> = bytes.withUnsafeReadableBytes { raw in
            Result { () throws(BodyReader.Malformed) in
                try exchange.answerReader!.read(raw) { piece in
                    exchange.answer?.read(piece, into: &found)
                    payload?.writeBytes(piece)
                }
            }
        }
        guard case .success(let length) = read else {
            // Framing the relay cannot follow: the client sees the answer cut short, as with a drop.
            shared.logger.warning("the upstream's answer was not framed as it said; the client's connection was closed")
            closeUpstream()
            answerDropped(exchange)
            return
        }
        if let payload {
            context.write(wrapOutboundOut(payload), promise: nil)
            flushClient = true
        } else if length > 0 {
            context.write(wrapOutboundOut(bytes.getSlice(at: bytes.readerIndex, length: length)!), promise: nil)
            flushClient = true
        }
        if !found.isEmpty { exchange.answer?.observe(found, at: .now) }
        if !context.channel.isWritable { link.channel?.setAutoRead(false) }
        guard exchange.answerReader?.isDone == true else { return }
        if length < bytes.readableBytes {
            // More than the answer: an upstream that cannot be trusted to frame the next one.
            exchange.upstreamKeepAlive = false
        }
        answerEnds(exchange, context)
    }

    func answerEnds(_ exchange: ProxyExchange, _ context: ChannelHandlerContext) {
        context.flush()
        flushClient = false
        exchange.answer?.finish(at: .now)
        exchange.answerEnded = true
        if let link = upstream {
            link.answering = false
            link.reused = true
        }
        // A connection whose request was not sent whole (answered early) cannot carry another one.
        if !exchange.upstreamKeepAlive || !exchange.requestEnded { closeUpstream() }
        if exchange.requestEnded {
            finished(exchange)
        } else if exchange.closesClient {
            context.close(promise: nil)
        }
    }

    /// The answer was cut short: the client's connection is closed too, so it sees it incomplete.
    func answerDropped(_ exchange: ProxyExchange) {
        exchange.answer?.dropped()
        exchange.answerEnded = true
        context?.close(promise: nil)
    }

    func upstreamReadComplete(_ link: UpstreamLink) {
        guard link === upstream, flushClient else { return }
        flushClient = false
        context?.flush()
    }

    func upstreamWritabilityChanged(_ link: UpstreamLink) {
        guard link === upstream else { return }
        updateReading()
    }

    func upstreamClosed(_ link: UpstreamLink, error: (any Error)?) {
        guard link === upstream else { return }
        upstream = nil
        updateReading()
        guard let exchange, !exchange.answerEnded, exchange.requestSent else {
            // Nothing of the current request went on it: the next write connects again.
            return
        }
        if exchange.answer != nil {
            if error == nil, exchange.answerReader?.endsAtClose == true, let context {
                // An answer framed by the end of the connection ended.
                answerEnds(exchange, context)
            } else {
                answerDropped(exchange)
            }
        } else if !exchange.answered {
            let replayable = exchange.unsent || ProxyExchange.idempotent.contains(exchange.head.method)
            if exchange.resendable, exchange.requestEnded, link.reused, !link.answering, !exchange.resent, replayable {
                // A reused connection the upstream had closed as idle just as the request went out, with
                // nothing answered: sent again, once, on a new connection — a call only when it never
                // left (as Go's HTTP transport does), so no call runs twice.
                exchange.resent = true
                resend(exchange)
                return
            }
            exchange.cancelTimeout()
            fail(UpstreamFailure.unreachable(shared.settings.upstream, error))
        }
    }

    func resend(_ exchange: ProxyExchange) {
        exchange.unsent = false
        sendWhole(exchange)
    }
}
