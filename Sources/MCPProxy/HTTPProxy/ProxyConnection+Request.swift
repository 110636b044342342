import Engine
import Foundation
import Logging
import MetricsWire
import NIOCore
import NIOHTTP1

/// The client's requests: each head read and written on, each body relayed as framed, what the observer and
/// the cache make of them, and the upstream connection they go on.
extension ProxyConnection {
    /// Reads a request head from `inbound` and starts its exchange; false while the head is incomplete or
    /// when it was refused.
    func readHead() -> Bool {
        // Empty lines before a request are ignored (RFC 9112 §2.2): some clients end a body with one.
        while let first = inbound.readableBytesView.first, first == 0x0D || first == 0x0A {
            inbound.moveReaderIndex(forwardBy: 1)
        }
        let host = shared.hostHeader
        let parsed: Result<(RequestHead, Int)?, HeadError> = inbound.withUnsafeReadableBytes { bytes in
            Result { () throws(HeadError) in
                guard let length = try HeadFields.completeHead(bytes, scanned: &scanned) else { return nil }
                return (try RequestHead(bytes, length: length, host: host), length)
            }
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
    func refuse(_ status: HTTPResponseStatus, _ reason: String) {
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

    func begin(_ head: RequestHead) {
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
    func readBody(_ exchange: ProxyExchange) -> Bool {
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

    func requestEnd(_ exchange: ProxyExchange) {
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
                if let failure = exchange.failure {
                    // The flush failed and the exchange was failed before its requests were known.
                    record(failure, of: exchange)
                }
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
                headers: exchange.head.mcpHeaders,
                at: .now
            )
        case .none:
            exchange.resendable = true
            sendWhole(exchange)
        }
        if flushUpstream {
            flushUpstream = false
            upstream?.channel?.flush()
        }
    }

    /// Sends a request whose body, if any, is all here (read whole first), and flushes it: the first time, and
    /// again on a new connection (`ProxyConnection.resend`).
    func sendWhole(_ exchange: ProxyExchange) {
        if case .whole = exchange.body {
            send(exchange.head.upstreamHead)
            send(exchange.collected, marking: exchange)
        } else {
            send(exchange.head.upstreamHead, marking: exchange)
        }
        startTimeout(exchange)
        flushUpstream = false
        upstream?.channel?.flush()
    }

    /// Gives the observer the request's body, read at `instant`; returns the cache's answer, if any.
    @discardableResult
    func observeRequest(_ exchange: ProxyExchange, at instant: ContinuousClock.Instant) -> [UInt8]? {
        let observed = exchange.collected.withUnsafeReadableBytes { bytes in
            shared.observer.clientMessage(
                bytes.assumingMemoryBound(to: UInt8.self),
                session: exchange.exchange.session,
                headers: exchange.head.mcpHeaders,
                at: instant
            )
        }
        exchange.exchange.requests = observed.requests
        return observed.answer
    }

    /// Gives the upstream `responseTimeout` from now to start answering `exchange`, then answers 504.
    /// One timer per connection checks the current exchange's deadline and moves on to it when it is later
    /// (no timer is scheduled and cancelled per request).
    func startTimeout(_ exchange: ProxyExchange) {
        guard exchange.deadline == nil else { return }
        let deadline = NIODeadline.now() + shared.settings.responseTimeout.timeAmount
        exchange.deadline = deadline
        if timer == nil { armTimer(at: deadline) }
    }

    func armTimer(at deadline: NIODeadline) {
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
    func send(_ bytes: ByteBuffer, marking exchange: ProxyExchange? = nil) {
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

    func connect() -> UpstreamLink {
        let link = UpstreamLink()
        upstream = link
        // Nothing more is read from the client until the connection is there to take it. Without a context
        // the client connection is gone: the bytes wait in the link, never sent.
        guard let context else { return link }
        updateReading()
        shared.connect(for: self, link: link, on: context.eventLoop)
        return link
    }
}
