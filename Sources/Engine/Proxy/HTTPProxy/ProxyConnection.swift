import Foundation
import Logging
import MetricsClient
import NIOCore
import NIOHTTP1

/// One client connection of `dashboard proxy --http`, relaying its requests over one upstream connection
/// of its own, on the same event loop: a part read on one side is written to the other in the same turn,
/// with no hand-off between threads. The observer reads copies as they pass.
///
/// Requests on a connection come one after another (HTTP/1.1; pipelined ones are held here until the
/// answer before them ended), so one upstream connection serves them all and is reused between them.
/// Each side is read only as fast as the other takes what is written to it.
final class ProxyConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let shared: HTTPProxyShared
    private var context: ChannelHandlerContext?
    private var upstream: UpstreamLink?
    private var exchange: ProxyExchange?
    private var flushUpstream = false
    private var flushClient = false
    private var quiescing = false
    /// Parts of requests that came while the one before was still being answered (pipelined).
    private var held: [HTTPServerRequestPart] = []
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
        let part = unwrapInboundIn(data)
        if !held.isEmpty || exchange?.requestEnded == true {
            held.append(part)
            updateReading()
            return
        }
        dispatch(part)
    }

    private func dispatch(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head): begin(head)
        case .body(let chunk): requestBody(chunk)
        case .end: requestEnd()
        }
    }

    /// Hands on the requests held while an answer was relayed, up to the end of the next one.
    private func releaseHeld() {
        while !held.isEmpty, exchange?.requestEnded != true, context != nil {
            dispatch(held.removeFirst())
        }
        if flushUpstream, let channel = upstream?.channel {
            flushUpstream = false
            channel.flush()
        }
        updateReading()
    }

    /// Reads from the client only while nothing is held, the upstream connection (if any) is there and
    /// it takes what is written to it.
    private func updateReading() {
        guard let context else { return }
        let upstreamTakes = upstream.map { $0.channel?.isWritable ?? false } ?? true
        context.channel.setAutoRead(held.isEmpty && upstreamTakes)
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
        held = []
        closeUpstream()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.logger.debug("client connection error", metadata: ["error": "\(error)"])
        if error is HTTPParserError, exchange?.answered != true {
            // Not HTTP: answered 400, as a server would; a request whose head went upstream is cut off there.
            let headers = HTTPHeaders([("Connection", "close"), ("Content-Length", "0")])
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
                promise: nil
            )
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }

    // MARK: The client's request

    private func begin(_ head: HTTPRequestHead) {
        guard exchange == nil else { return }
        let session = head.headers.first(name: "mcp-session-id") ?? ""
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        let chunked = ForwardedHeaders.isChunked(head.headers)
        var upstreamHead = HTTPRequestHead(
            version: .http1_1,
            method: head.method,
            uri: head.uri,
            headers: ForwardedHeaders.forwarded(head.headers, host: shared.hostHeader)
        )
        let body: ProxyExchange.Body
        if chunked {
            upstreamHead.headers.add(name: "Transfer-Encoding", value: "chunked")
            body = .streamed(BodyCapture(limit: shared.settings.messageLimit))
        } else if let length, length > 0 {
            body =
                length <= HTTPProxyShared.wholeBodyLimit
                ? .whole(ByteBuffer()) : .streamed(BodyCapture(limit: shared.settings.messageLimit))
        } else {
            body = .none
        }
        let exchange = ProxyExchange(
            exchange: Exchange(session: session),
            head: head,
            upstreamHead: upstreamHead,
            body: body
        )
        self.exchange = exchange
        if case .whole = body { return }
        send(.head(upstreamHead))
        startTimeout(exchange)
    }

    private func requestBody(_ chunk: ByteBuffer) {
        guard let exchange, !exchange.answered else { return }
        switch exchange.body {
        case .whole(var collected):
            collected.writeImmutableBuffer(chunk)
            exchange.body = .whole(collected)
        case .streamed(let capture):
            capture.append(chunk)
            send(.body(.byteBuffer(chunk)))
        case .none:
            send(.body(.byteBuffer(chunk)))
        }
    }

    private func requestEnd() {
        guard let exchange else { return }
        exchange.requestEnded = true
        if exchange.answered {
            if exchange.answerEnded { finished(exchange) }
            return
        }
        switch exchange.body {
        case .whole(let collected):
            let instant = ContinuousClock.now
            exchange.resendable = true
            if shared.settings.cachedTools.isEmpty {
                // Nothing can be answered from the cache: the request goes upstream first and is read
                // after, off the call's path (the answer cannot be read before: it comes on this thread).
                sendWhole(exchange, collected)
                observeRequest(exchange, collected, at: instant)
            } else if let answer = observeRequest(exchange, collected, at: instant) {
                answerLocally(.ok, body: ByteBuffer(bytes: answer))
                return
            } else {
                sendWhole(exchange, collected)
            }
        case .streamed(let capture):
            send(.end(nil))
            exchange.exchange.requests = capture.observe(
                with: shared.observer,
                session: exchange.exchange.session,
                at: .now
            )
        case .none:
            exchange.resendable = true
            send(.end(nil), marking: exchange)
        }
        // `sendWhole` flushed already.
        if flushUpstream {
            flushUpstream = false
            upstream?.channel?.flush()
        }
    }

    private func sendWhole(_ exchange: ProxyExchange, _ body: ByteBuffer) {
        send(.head(exchange.upstreamHead))
        send(.body(.byteBuffer(body)))
        send(.end(nil), marking: exchange)
        flushUpstream = false
        upstream?.channel?.flush()
        startTimeout(exchange)
    }

    /// Gives the observer the request's body, read at `instant`; returns the cache's answer, if any.
    @discardableResult
    private func observeRequest(
        _ exchange: ProxyExchange,
        _ body: ByteBuffer,
        at instant: ContinuousClock.Instant
    ) -> [UInt8]? {
        let observed = body.withUnsafeReadableBytes { bytes in
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

    /// Writes `part` upstream, connecting first when there is no connection; when `exchange` is given,
    /// a failed write marks its request as never sent.
    private func send(_ part: HTTPClientRequestPart, marking exchange: ProxyExchange? = nil) {
        let link = upstream ?? connect()
        if let channel = link.channel {
            let promise = exchange.map { exchange in
                let promise = channel.eventLoop.makePromise(of: Void.self)
                promise.futureResult.assumeIsolated().whenFailure { _ in exchange.unsent = true }
                return promise
            }
            channel.write(part, promise: promise)
            flushUpstream = true
            if !channel.isWritable { updateReading() }
        } else {
            link.pending.append(part)
        }
    }

    private func connect() -> UpstreamLink {
        let link = UpstreamLink()
        upstream = link
        // Nothing more is read from the client until the connection is there to take it. Without a context
        // the client connection is gone: the parts wait in the link, never sent.
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
        for part in link.pending { channel.write(part, promise: nil) }
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

    func upstreamRead(_ link: UpstreamLink, _ part: HTTPClientResponsePart) {
        guard link === upstream, let context, let exchange else { return }
        if exchange.answered, exchange.answer == nil { return }
        link.answering = true
        switch part {
        case .head(let head):
            exchange.cancelTimeout()
            exchange.answered = true
            exchange.upstreamKeepAlive = head.isKeepAlive
            exchange.answer = UpstreamAnswer(
                head,
                exchange: exchange.exchange,
                method: exchange.head.method,
                observer: shared.observer,
                messageLimit: shared.settings.messageLimit
            )
            var clientHead = HTTPResponseHead(
                version: exchange.head.version,
                status: head.status,
                headers: ForwardedHeaders.forwarded(head.headers)
            )
            if !keepsClient(exchange) { clientHead.headers.replaceOrAdd(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(clientHead)), promise: nil)
            flushClient = true
        case .body(let chunk):
            let found = exchange.answer?.read(chunk) ?? []
            context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            flushClient = true
            if !found.isEmpty { exchange.answer?.observe(found, at: .now) }
            if !context.channel.isWritable { link.channel?.setAutoRead(false) }
        case .end:
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            flushClient = false
            exchange.answer?.finish(at: .now)
            exchange.answerEnded = true
            link.answering = false
            link.reused = true
            // A connection whose request was not sent whole (answered early) cannot carry another one.
            if !exchange.upstreamKeepAlive || !exchange.requestEnded { closeUpstream() }
            if exchange.requestEnded { finished(exchange) }
        }
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
        if let answer = exchange.answer {
            // Cut short mid-answer: the client's connection is closed too, so it sees the answer incomplete.
            answer.dropped()
            exchange.answerEnded = true
            context?.close(promise: nil)
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
        send(.head(exchange.upstreamHead))
        if case .whole(let collected) = exchange.body { send(.body(.byteBuffer(collected))) }
        send(.end(nil), marking: exchange)
        upstream?.channel?.flush()
    }

    // MARK: Ending an exchange

    /// Answers the client here: with the cache's answer, or a 502/504 naming the upstream.
    private func answerLocally(_ status: HTTPResponseStatus, body: ByteBuffer) {
        guard let context, let exchange else { return }
        exchange.answered = true
        exchange.answerEnded = true
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.readableBytes)")])
        if !keepsClient(exchange) { headers.add(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: exchange.head.version, status: status, headers: headers))),
            promise: nil
        )
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
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
        if keepsClient(exchange) {
            releaseHeld()
        } else {
            held = []
            context?.close(promise: nil)
        }
    }

    private func keepsClient(_ exchange: ProxyExchange) -> Bool {
        exchange.head.isKeepAlive && !quiescing
    }

    private func closeUpstream() {
        guard let link = upstream else { return }
        upstream = nil
        link.channel?.close(promise: nil)
    }
}
