import Foundation
import Logging
import MetricsClient
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
    private var context: ChannelHandlerContext?
    private var upstream: UpstreamLink?
    private var exchange: ProxyExchange?
    private var flushUpstream = false
    private var flushClient = false
    private var quiescing = false
    /// The client's bytes not relayed yet: a head still incomplete, or requests that came while the one
    /// before was still being answered (pipelined).
    private var inbound = ByteBuffer()
    /// How far an incomplete head in `inbound` was searched for its end.
    private var scanned = 0
    /// `relayClientBytes` is running (an exchange that ends inside it does not start it again).
    private var relaying = false
    /// Checks the current exchange's deadline; one per connection, moved on as requests come.
    private var timer: Scheduled<Void>?

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
    private func relayClientBytes() {
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
    private func updateReading() {
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

    // MARK: The client's request

    /// Reads a request head from `inbound` and starts its exchange; false while the head is incomplete or
    /// when it was refused.
    private func readHead() -> Bool {
        // Empty lines before a request are ignored (RFC 9112 §2.2): some clients end a body with one.
        while let first = inbound.readableBytesView.first, first == 0x0D || first == 0x0A {
            inbound.moveReaderIndex(forwardBy: 1)
        }
        let host = shared.hostHeader
        let parsed: Result<(RequestHead, Int)?, HeadError> = inbound.withUnsafeReadableBytes { bytes in
            guard let length = HeadFields.headLength(bytes, scanned: &scanned) else {
                return bytes.count > HeadFields.maxHead
                    ? .failure(HeadError(reason: "a head over \(HeadFields.maxHead) bytes", tooLarge: true))
                    : .success(nil)
            }
            guard length <= HeadFields.maxHead else {
                return .failure(HeadError(reason: "a head over \(HeadFields.maxHead) bytes", tooLarge: true))
            }
            return Result { () throws(HeadError) in (try RequestHead(bytes, length: length, host: host), length) }
        }
        switch parsed {
        case .success(nil):
            return false
        case .success(let (head, length)?):
            inbound.moveReaderIndex(forwardBy: length)
            scanned = 0
            begin(head)
            return true
        case .failure(let error):
            refuse(error.tooLarge ? .requestHeaderFieldsTooLarge : .badRequest, error.reason)
            return false
        }
    }

    /// Answers a request the relay cannot pass on, as a server would, and closes the connection; what of it
    /// went upstream is cut off there.
    private func refuse(_ status: HTTPResponseStatus, _ reason: String) {
        shared.logger.debug("refused a request", metadata: ["reason": "\(reason)"])
        inbound = ByteBuffer()
        closeUpstream()
        guard let context else { return }
        var answer = context.channel.allocator.buffer(capacity: 96)
        answer.writeString(
            "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        )
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
        context.close(promise: nil)
    }

    private func begin(_ head: RequestHead) {
        let body: ProxyExchange.Body
        switch head.framing {
        case .chunked:
            body = .streamed(BodyCapture(limit: shared.settings.messageLimit))
        case .length(let length) where length > 0:
            // A client that waits for 100 Continue sends its body only once the head went upstream.
            body =
                length <= HTTPProxyShared.wholeBodyLimit && !head.expectsContinue
                ? .whole : .streamed(BodyCapture(limit: shared.settings.messageLimit))
        default:
            body = .none
        }
        let exchange = ProxyExchange(exchange: Exchange(session: head.session), head: head, body: body)
        self.exchange = exchange
        switch body {
        case .whole: break
        case .streamed:
            send(head.upstreamHead)
            startTimeout(exchange)
        case .none:
            requestEnd(exchange)
        }
    }

    /// Relays the part of the request's body that is in `inbound`; false when it was malformed.
    private func readBody(_ exchange: ProxyExchange) -> Bool {
        let capture: BodyCapture?
        if case .streamed(let streamed) = exchange.body, !exchange.answered {
            capture = streamed
        } else {
            capture = nil
        }
        let read: Result<Int, BodyReader.Malformed> = inbound.withUnsafeReadableBytes { bytes in
            Result { () throws(BodyReader.Malformed) in
                try exchange.requestReader.read(bytes) { capture?.append($0) }
            }
        }
        guard case .success(let length) = read else {
            if case .failure(let error) = read {
                if exchange.answered {
                    context?.close(promise: nil)
                } else {
                    refuse(.badRequest, error.reason)
                }
            }
            return false
        }
        let raw = inbound.readSlice(length: length)!
        if !exchange.answered {
            switch exchange.body {
            case .whole:
                if exchange.collected.readableBytes == 0 {
                    exchange.collected = raw
                } else {
                    exchange.collected.writeImmutableBuffer(raw)
                }
            case .streamed: send(raw)
            case .none: break
            }
        }
        if exchange.requestReader.isDone { requestEnd(exchange) }
        return true
    }

    private func requestEnd(_ exchange: ProxyExchange) {
        exchange.requestEnded = true
        if exchange.answered {
            if exchange.answerEnded { finished(exchange) }
            return
        }
        switch exchange.body {
        case .whole:
            let instant = ContinuousClock.now
            exchange.resendable = true
            if shared.settings.cachedTools.isEmpty {
                // Nothing can be answered from the cache: the request goes upstream first and is read
                // after, off the call's path (the answer cannot be read before: it comes on this thread).
                sendWhole(exchange)
                observeRequest(exchange, at: instant)
            } else if let answer = observeRequest(exchange, at: instant) {
                answerLocally(.ok, body: ByteBuffer(bytes: answer))
                return
            } else {
                sendWhole(exchange)
            }
        case .streamed(let capture):
            exchange.exchange.requests = capture.observe(
                with: shared.observer,
                session: exchange.exchange.session,
                at: .now
            )
        case .none:
            exchange.resendable = true
            send(exchange.head.upstreamHead, marking: exchange)
            startTimeout(exchange)
        }
        if flushUpstream {
            flushUpstream = false
            upstream?.channel?.flush()
        }
    }

    private func sendWhole(_ exchange: ProxyExchange) {
        send(exchange.head.upstreamHead)
        send(exchange.collected, marking: exchange)
        flushUpstream = false
        upstream?.channel?.flush()
        startTimeout(exchange)
    }

    /// Gives the observer the request's body, read at `instant`; returns the cache's answer, if any.
    @discardableResult
    private func observeRequest(_ exchange: ProxyExchange, at instant: ContinuousClock.Instant) -> [UInt8]? {
        let observed = exchange.collected.withUnsafeReadableBytes { bytes in
            shared.observer.clientMessage(
                bytes.assumingMemoryBound(to: UInt8.self),
                session: exchange.exchange.session,
                at: instant
            )
        }
        exchange.exchange.requests = observed.requests
        return observed.answer
    }

    /// Gives the upstream `responseTimeout` from now to start answering `exchange`, then answers 504.
    /// One timer per connection checks the current exchange's deadline and moves on to it when it is later
    /// (no timer is scheduled and cancelled per request).
    private func startTimeout(_ exchange: ProxyExchange) {
        guard exchange.deadline == nil else { return }
        let deadline = NIODeadline.now() + shared.settings.responseTimeout.timeAmount
        exchange.deadline = deadline
        if timer == nil { armTimer(at: deadline) }
    }

    private func armTimer(at deadline: NIODeadline) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            self.timer = nil
            guard let exchange = self.exchange, !exchange.answered, let due = exchange.deadline else { return }
            if due > .now() {
                self.armTimer(at: due)
                return
            }
            exchange.cancelTimeout()
            self.closeUpstream()
            self.fail(
                UpstreamFailure.timedOut(self.shared.settings.upstream, after: self.shared.settings.responseTimeout)
            )
        }
    }

    /// Writes `bytes` upstream, connecting first when there is no connection; when `exchange` is given,
    /// a failed write marks its request as never sent.
    private func send(_ bytes: ByteBuffer, marking exchange: ProxyExchange? = nil) {
        let link = upstream ?? connect()
        if let channel = link.channel {
            let promise = exchange.map { exchange in
                let promise = channel.eventLoop.makePromise(of: Void.self)
                promise.futureResult.assumeIsolated().whenFailure { _ in exchange.unsent = true }
                return promise
            }
            channel.write(bytes, promise: promise)
            flushUpstream = true
            if !channel.isWritable { updateReading() }
        } else {
            link.pending.append(bytes)
        }
    }

    private func connect() -> UpstreamLink {
        let link = UpstreamLink()
        upstream = link
        // Nothing more is read from the client until the connection is there to take it. Without a context
        // the client connection is gone: the bytes wait in the link, never sent.
        guard let context else { return link }
        updateReading()
        shared.connect(for: self, link: link, on: context.eventLoop)
        return link
    }

    // MARK: The upstream's answer (called by `UpstreamHandler`, on the same event loop)

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
        guard link === upstream, let context, let exchange, !exchange.answerEnded else { return }
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
    private func readAnswerHead(
        _ exchange: ProxyExchange,
        _ bytes: ByteBuffer,
        _ context: ChannelHandlerContext
    ) -> ByteBuffer? {
        var pending = bytes
        if exchange.answerHead.readableBytes > 0 {
            exchange.answerHead.writeImmutableBuffer(bytes)
            pending = exchange.answerHead
        }
        while true {
            let method = exchange.head.method
            let parsed: Result<(ResponseHead, Int)?, HeadError> = pending.withUnsafeReadableBytes { bytes in
                guard let length = HeadFields.headLength(bytes, scanned: &exchange.answerScanned) else {
                    return bytes.count > HeadFields.maxHead
                        ? .failure(HeadError(reason: "a head over \(HeadFields.maxHead) bytes")) : .success(nil)
                }
                return Result { () throws(HeadError) in
                    (try ResponseHead(bytes, length: length, method: method), length)
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

    private func answerBegins(_ exchange: ProxyExchange, _ head: ResponseHead, _ context: ChannelHandlerContext) {
        exchange.cancelTimeout()
        exchange.answered = true
        exchange.upstreamKeepAlive = head.keepAlive
        exchange.closesClient = head.framing == .untilClose
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

    private func relayAnswerBody(
        _ exchange: ProxyExchange,
        _ bytes: ByteBuffer,
        _ link: UpstreamLink,
        _ context: ChannelHandlerContext
    ) {
        var found: [SSEReader.Event] = []
        let read: Result<Int, BodyReader.Malformed> = bytes.withUnsafeReadableBytes { raw in
            Result { () throws(BodyReader.Malformed) in
                try exchange.answerReader!.read(raw) { exchange.answer?.read($0, into: &found) }
            }
        }
        guard case .success(let length) = read else {
            // Framing the relay cannot follow: the client sees the answer cut short, as with a drop.
            shared.logger.warning("the upstream's answer was not framed as it said; the client's connection was closed")
            closeUpstream()
            answerDropped(exchange)
            return
        }
        if length > 0 {
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

    private func answerEnds(_ exchange: ProxyExchange, _ context: ChannelHandlerContext) {
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
    private func answerDropped(_ exchange: ProxyExchange) {
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
        guard let exchange, !exchange.answerEnded else { return }
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

    private func resend(_ exchange: ProxyExchange) {
        exchange.unsent = false
        if case .whole = exchange.body {
            send(exchange.head.upstreamHead)
            send(exchange.collected, marking: exchange)
        } else {
            send(exchange.head.upstreamHead, marking: exchange)
        }
        flushUpstream = false
        upstream?.channel?.flush()
    }

    // MARK: Ending an exchange

    /// Answers the client here: with the cache's answer, or a 502/504 naming the upstream.
    private func answerLocally(_ status: HTTPResponseStatus, body: ByteBuffer) {
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

    private func fail(_ failure: UpstreamFailure) {
        guard let exchange else { return }
        shared.observer.fail(
            exchange.exchange.requests,
            session: exchange.exchange.session,
            errorType: failure.errorType,
            message: failure.message
        )
        shared.logger.warning("\(failure.message)")
        answerLocally(failure.status, body: failure.body(for: exchange.exchange.requests))
    }

    private func finished(_ exchange: ProxyExchange) {
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

    private func keepsClient(_ exchange: ProxyExchange) -> Bool {
        exchange.head.keepAlive && !quiescing && !exchange.closesClient
    }

    private func closeUpstream() {
        guard let link = upstream else { return }
        upstream = nil
        link.channel?.close(promise: nil)
    }
}
