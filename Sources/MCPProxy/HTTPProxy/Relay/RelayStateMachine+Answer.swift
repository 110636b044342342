import Engine
import NIOCore
import NIOHTTP1

/// The upstream's side: its connection opened, failed or closed, each answer head read and written on, each
/// body relayed as framed, the response timeout, and the resend rule.
extension RelayStateMachine {
    /// Upstream connection `number` opened: what waited for it is written.
    mutating func upstreamConnected(_ number: Int) -> [RelayAction] {
        guard upstream == .connecting(number) else { return [] }
        upstream = .connected(number, Link())
        var actions = pending.map { RelayAction.writeUpstream($0, exchange: nil) }
        pending = []
        actions.append(.flushUpstream)
        flushesUpstream = false
        if !clientWritable { actions.append(.readUpstream(false)) }
        updateReading(&actions)
        return actions
    }

    /// Upstream connection `number` could not be opened.
    mutating func upstreamConnectFailed(_ number: Int, _ error: any Error) -> [RelayAction] {
        guard upstream == .connecting(number) else { return [] }
        upstream = .none
        pending = []
        var actions: [RelayAction] = []
        updateReading(&actions)
        withExchange { machine, exchange in
            guard !exchange.answered else { return }
            machine.fail(UpstreamFailure.unreachable(machine.config.upstream, error), &exchange, &actions)
        }
        return actions
    }

    /// Writing exchange `number`'s request upstream failed: the upstream never got it.
    mutating func upstreamWriteFailed(exchange number: Int) -> [RelayAction] {
        withExchange { _, exchange in
            if exchange.number == number { exchange.unsent = true }
        }
        return []
    }

    /// Exchange `number`'s response timeout passed.
    mutating func timedOut(exchange number: Int) -> [RelayAction] {
        var actions: [RelayAction] = []
        withExchange { machine, exchange in
            guard exchange.number == number, exchange.timing, !exchange.answered else { return }
            exchange.timing = false
            machine.closeUpstream(&actions)
            machine.fail(
                UpstreamFailure.timedOut(machine.config.upstream, after: machine.config.responseTimeout),
                &exchange,
                &actions
            )
        }
        return actions
    }

    /// The upstream sent `bytes` on connection `number`.
    mutating func upstreamRead(_ number: Int, _ bytes: ByteBuffer) -> [RelayAction] {
        guard case .connected(number, var link) = upstream, isOpen else { return [] }
        var actions: [RelayAction] = []
        var expected = false
        withExchange { machine, exchange in
            guard !exchange.answerEnded, exchange.requestSent else { return }
            expected = true
            link.answering = true
            machine.upstream = .connected(number, link)
            var body = bytes
            if case .awaiting = exchange.answer {
                guard let rest = machine.readAnswerHead(&exchange, bytes, &actions) else { return }
                body = rest
            }
            machine.relayAnswerBody(&exchange, body, &actions)
        }
        if !expected {
            // Bytes no request asked for (after an answer, or before the request went): a connection that
            // cannot be trusted to frame the next answer.
            closeUpstream(&actions)
        }
        return actions
    }

    /// The upstream's read ended: what was written to the client meanwhile is flushed.
    mutating func upstreamReadComplete(_ number: Int) -> [RelayAction] {
        guard flushesClient, upstream.number == number else { return [] }
        flushesClient = false
        return [.flushClient]
    }

    /// Upstream connection `number` takes what is written to it, or stops taking it.
    mutating func upstreamWritabilityChanged(_ number: Int, _ writable: Bool) -> [RelayAction] {
        guard case .connected(number, var link) = upstream else { return [] }
        link.writable = writable
        upstream = .connected(number, link)
        var actions: [RelayAction] = []
        updateReading(&actions)
        return actions
    }

    /// Upstream connection `number` closed (`error`: why, when it failed).
    mutating func upstreamClosed(_ number: Int, error: (any Error)?) -> [RelayAction] {
        guard upstream.number == number else { return [] }
        var link = Link()
        if case .connected(_, let open) = upstream { link = open }
        upstream = .none
        pending = []
        var actions: [RelayAction] = []
        updateReading(&actions)
        withExchange { machine, exchange in
            // Nothing of the current request went on it: the next write connects again.
            guard !exchange.answerEnded, exchange.requestSent else { return }
            switch exchange.answer {
            case .relaying(let body):
                if error == nil, body.reader.endsAtClose {
                    // An answer framed by the end of the connection ended.
                    machine.answerEnds(&exchange, body, &actions)
                } else {
                    machine.answerDropped(&exchange, body.reading, &actions)
                }
            case .awaiting:
                let replayable = exchange.unsent || RelayExchange.idempotent.contains(exchange.head.method)
                if case .ended(let resend?) = exchange.request, link.reused, !link.answering, !exchange.resent,
                    replayable
                {
                    // A reused connection the upstream had closed as idle just as the request went out, with
                    // nothing answered: sent again, once, on a new connection — a call only when it never
                    // left (as Go's HTTP transport does), so no call runs twice.
                    exchange.resent = true
                    exchange.unsent = false
                    exchange.answer = .awaiting(partial: ByteBuffer(), scanned: 0)
                    machine.sendWhole(&exchange, resend, &actions)
                    return
                }
                machine.fail(UpstreamFailure.unreachable(machine.config.upstream, error), &exchange, &actions)
            case .local, .ended:
                break
            }
        }
        return actions
    }

    /// Reads the answer's head (after any 1xx heads, relayed); returns the bytes after it, nil while it is
    /// incomplete or when it was refused.
    mutating func readAnswerHead(
        _ exchange: inout RelayExchange,
        _ bytes: ByteBuffer,
        _ actions: inout [RelayAction]
    ) -> ByteBuffer? {
        guard case .awaiting(var pending, var scanned) = exchange.answer else { return bytes }
        if pending.readableBytes > 0 {
            pending.writeImmutableBuffer(bytes)
        } else {
            pending = bytes
        }
        // HTTP/1.0 has no chunked coding: such a client gets the bare payload, its connection closed at the end.
        let dechunked = exchange.head.minorVersion == 0
        let method = exchange.head.method
        while true {
            let parsed: Result<(ResponseHead, Int)?, HeadError> = pending.withUnsafeReadableBytes { bytes in
                Result { () throws(HeadError) in
                    guard let length = try HeadFields.completeHead(bytes, scanned: &scanned) else { return nil }
                    return (try ResponseHead(bytes, length: length, method: method, dechunked: dechunked), length)
                }
            }
            switch parsed {
            case .success(nil):
                exchange.answer = .awaiting(partial: pending, scanned: scanned)
                return nil
            case .failure(let error):
                exchange.answer = .awaiting(partial: ByteBuffer(), scanned: 0)
                exchange.timing = false
                actions.append(.cancelTimeout)
                closeUpstream(&actions)
                fail(UpstreamFailure.malformed(config.upstream, error.reason), &exchange, &actions)
                return nil
            case .success(let (head, length)?):
                pending.moveReaderIndex(forwardBy: length)
                scanned = 0
                if head.isInformational {
                    // 1xx: passed on to an HTTP/1.1 client (100 Continue lets it send its body); the answer follows.
                    if exchange.head.minorVersion == 1 {
                        var informational = head.clientHead
                        informational.writeStaticString("\r\n")
                        actions.append(.writeClient(informational))
                        flushesClient = true
                    }
                    continue
                }
                answerBegins(&exchange, head, &actions)
                return pending
            }
        }
    }

    /// The answer's head was read: it goes to the client, and the rest of the request no longer goes upstream.
    mutating func answerBegins(_ exchange: inout RelayExchange, _ head: ResponseHead, _ actions: inout [RelayAction]) {
        if exchange.timing {
            exchange.timing = false
            actions.append(.cancelTimeout)
        }
        exchange.closesClient = head.framing == .untilClose
        let reading = AnswerReading(head, method: exchange.head.method, messageLimit: config.messageLimit)
        exchange.answer = .relaying(
            RelayExchange.AnswerBody(
                reader: BodyReader(head.framing),
                reading: reading,
                upstreamKeepAlive: head.keepAlive,
                dechunks: head.framing == .chunked && exchange.head.minorVersion == 0
            )
        )
        switch exchange.request {
        case .streaming(let reader, _): exchange.request = .draining(reader)
        default: break
        }
        actions.append(.observe(.answerBegan(exchange.record, opensGetStream: reading.opensGetStream)))
        var clientHead = head.clientHead
        if !keepsClient(exchange) { clientHead.writeStaticString("Connection: close\r\n") }
        clientHead.writeStaticString("\r\n")
        actions.append(.writeClient(clientHead))
        flushesClient = true
    }

    /// Relays the part of the answer's body in `bytes` to the client.
    mutating func relayAnswerBody(_ exchange: inout RelayExchange, _ bytes: ByteBuffer, _ actions: inout [RelayAction])
    {
        guard case .relaying(var body) = exchange.answer else { return }
        // The exchange holds no second reference to the reading while it reads.
        exchange.answer = .ended
        var found: [SSEReader.Event] = []
        // For an HTTP/1.0 client a chunked answer is passed on as its payload (`ResponseHead`, `dechunked`).
        var payload: ByteBuffer? = body.dechunks ? ByteBuffer() : nil
        let read: Result<Int, BodyReader.Malformed> = bytes.withUnsafeReadableBytes { raw in
            Result { () throws(BodyReader.Malformed) in
                try body.reader.read(raw) { piece in
                    body.reading.read(piece, into: &found)
                    payload?.writeBytes(piece)
                }
            }
        }
        guard case .success(let length) = read else {
            // Framing the relay cannot follow: the client sees the answer cut short, as with a drop.
            actions.append(.observe(.misframedAnswer))
            closeUpstream(&actions)
            answerDropped(&exchange, body.reading, &actions)
            return
        }
        if let payload {
            actions.append(.writeClient(payload))
            flushesClient = true
        } else if length > 0 {
            actions.append(.writeClient(bytes.getSlice(at: bytes.readerIndex, length: length)!))
            flushesClient = true
        }
        if !found.isEmpty { actions.append(.observe(.events(exchange.record, found))) }
        guard body.reader.isDone else {
            exchange.answer = .relaying(body)
            return
        }
        if length < bytes.readableBytes {
            // More than the answer: an upstream that cannot be trusted to frame the next one.
            body.upstreamKeepAlive = false
        }
        answerEnds(&exchange, body, &actions)
    }

    /// The answer ended: the exchange ends with it once the request did.
    mutating func answerEnds(
        _ exchange: inout RelayExchange,
        _ body: RelayExchange.AnswerBody,
        _ actions: inout [RelayAction]
    ) {
        actions.append(.flushClient)
        flushesClient = false
        var reading = body.reading
        reading.finish()
        actions.append(.observe(.answerEnded(exchange.record, reading)))
        exchange.answer = .ended
        if case .connected(let number, var link) = upstream {
            link.answering = false
            link.reused = true
            upstream = .connected(number, link)
        }
        // A connection whose request was not sent whole (answered early) cannot carry another one.
        if !body.upstreamKeepAlive || !exchange.requestEnded { closeUpstream(&actions) }
        if exchange.requestEnded {
            finish(exchange, &actions)
        } else if exchange.closesClient {
            close(&actions)
        }
    }

    /// The answer was cut short: the client's connection is closed too, so it sees it incomplete.
    mutating func answerDropped(
        _ exchange: inout RelayExchange,
        _ reading: AnswerReading,
        _ actions: inout [RelayAction]
    ) {
        actions.append(.observe(.answerDropped(exchange.record, isStream: reading.isStream)))
        exchange.answer = .ended
        close(&actions)
    }
}

extension RelayStateMachine.Upstream {
    /// The connection's number, while there is one.
    var number: Int? {
        switch self {
        case .none: nil
        case .connecting(let number), .connected(let number, _): number
        }
    }
}
