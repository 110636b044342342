import Engine
import NIOCore
import NIOHTTP1

/// The client's requests: each head read and written on, each body relayed as framed, and the upstream
/// connection they go on.
extension RelayStateMachine {
    /// The observer answered a request it was given with `consultsCache` (``RelayObservation/request``):
    /// with the cache's answer, or none (the request goes upstream).
    mutating func cacheAnswered(_ answer: ByteBuffer?) -> [RelayAction] {
        var actions: [RelayAction] = []
        withExchange { machine, exchange in
            guard case .consulting(let body) = exchange.request else { return }
            exchange.request = .ended(resend: body)
            if let answer {
                machine.answerLocally(.ok, body: answer, &exchange, &actions)
            } else {
                machine.sendWhole(&exchange, body, &actions)
            }
        }
        if !relaying { relayClientBytes(&actions) }
        return actions
    }

    /// Reads a request head from `inbound` and starts its exchange; false while the head is incomplete or
    /// when it was refused.
    mutating func readHead(_ actions: inout [RelayAction]) -> Bool {
        // Empty lines before a request are ignored (RFC 9112 §2.2): some clients end a body with one.
        while let first = inbound.readableBytesView.first, first == 0x0D || first == 0x0A {
            inbound.moveReaderIndex(forwardBy: 1)
        }
        let host = config.hostHeader
        var scanned = self.scanned
        let parsed: Result<(RequestHead, Int)?, HeadError> = inbound.withUnsafeReadableBytes { bytes in
            Result { () throws(HeadError) in
                guard let length = try HeadFields.completeHead(bytes, scanned: &scanned) else { return nil }
                return (try RequestHead(bytes, length: length, host: host), length)
            }
        }
        self.scanned = scanned
        switch parsed {
        case .success(nil):
            return false
        case .success(let (head, length)?):
            inbound.moveReaderIndex(forwardBy: length)
            self.scanned = 0
            begin(head, &actions)
            return true
        case .failure(let error):
            refuse(error.tooLarge ? .requestHeaderFieldsTooLarge : .badRequest, error.reason, &actions)
            return false
        }
    }

    /// Answers a request the relay cannot pass on, as a server would, and closes the connection; what of it
    /// went upstream is cut off there.
    mutating func refuse(_ status: HTTPResponseStatus, _ reason: String, _ actions: inout [RelayAction]) {
        actions.append(.observe(.refused(reason)))
        closeUpstream(&actions)
        actions.append(
            .writeClient(
                ByteBuffer(
                    string:
                        "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                )
            )
        )
        actions.append(.flushClient)
        close(&actions)
    }

    /// Starts the exchange of a request whose head was read.
    mutating func begin(_ head: RequestHead, _ actions: inout [RelayAction]) {
        exchanges += 1
        let reader = BodyReader(head.framing)
        let request: RelayExchange.Request
        switch head.framing {
        case .chunked:
            request = .streaming(reader, BodyCapture(limit: config.messageLimit))
        case .length(let length) where length > 0:
            // A client that waits for 100 Continue sends its body only once the head went upstream.
            request =
                length <= Config.wholeBodyLimit && !head.expectsContinue
                ? .collecting(reader, ByteBuffer()) : .streaming(reader, BodyCapture(limit: config.messageLimit))
        default:
            request = .ended(resend: ByteBuffer())
        }
        var exchange = RelayExchange(
            number: exchanges,
            head: head,
            record: Exchange(session: head.session),
            request: request
        )
        switch request {
        case .streaming:
            send(head.upstreamHead, &actions)
            startTimeout(&exchange, &actions)
        case .ended:
            sendWhole(&exchange, ByteBuffer(), &actions)
        default:
            break
        }
        state = .exchange(exchange)
    }

    /// Relays the part of the request's body that is in `inbound`; false when none of it could be.
    mutating func readBody(_ exchange: inout RelayExchange, _ actions: inout [RelayAction]) -> Bool {
        var reader: BodyReader
        var collected: ByteBuffer?
        var capture: BodyCapture?
        switch exchange.request {
        case .collecting(let bodyReader, let bytes):
            reader = bodyReader
            collected = bytes
            // The exchange holds no second reference to the bytes while more are added.
            exchange.request = .ended(resend: nil)
        case .streaming(let bodyReader, let streamed):
            reader = bodyReader
            capture = streamed
        case .draining(let bodyReader):
            reader = bodyReader
        case .consulting, .ended:
            return false
        }
        let read: Result<Int, BodyReader.Malformed> = inbound.withUnsafeReadableBytes { bytes in
            Result { () throws(BodyReader.Malformed) in
                try reader.read(bytes) { capture?.append($0) }
            }
        }
        guard case .success(let length) = read else {
            if case .failure(let error) = read {
                if exchange.answered {
                    close(&actions)
                } else {
                    refuse(.badRequest, error.reason, &actions)
                }
            }
            return false
        }
        let raw = inbound.readSlice(length: length)!
        if var bytes = collected {
            if bytes.readableBytes == 0 {
                bytes = raw
            } else {
                bytes.writeImmutableBuffer(raw)
            }
            exchange.request = .collecting(reader, bytes)
        } else if let capture {
            send(raw, &actions)
            exchange.request = .streaming(reader, capture)
        } else {
            exchange.request = .draining(reader)
        }
        if reader.isDone { requestEnded(&exchange, &actions) }
        return true
    }

    /// The request's last byte was read.
    mutating func requestEnded(_ exchange: inout RelayExchange, _ actions: inout [RelayAction]) {
        let record = exchange.record
        let headers = exchange.head.mcpHeaders
        switch exchange.request {
        case .collecting(_, let body):
            if config.consultsCache {
                // The observer reads it first; the cache may answer it (`cacheAnswered`).
                exchange.request = .consulting(body)
                actions.append(.observe(.request(record, body: body, headers: headers, consultsCache: true)))
                return
            }
            // Nothing can be answered from the cache: the request goes upstream first and is read after,
            // off the call's path.
            exchange.request = .ended(resend: body)
            sendWhole(&exchange, body, &actions)
            actions.append(.observe(.request(record, body: body, headers: headers, consultsCache: false)))
        case .streaming(_, let capture):
            exchange.request = .ended(resend: nil)
            actions.append(.observe(.streamedRequest(record, capture, headers: headers)))
            flushUpstream(&actions)
        case .draining:
            exchange.request = .ended(resend: nil)
            if exchange.answerEnded { finish(exchange, &actions) }
        case .consulting, .ended:
            break
        }
    }

    /// Sends a request whose body, if any, is all here (read whole first), and flushes it: the first time, and
    /// again on a new connection (the resend rule, `upstreamClosed`).
    mutating func sendWhole(_ exchange: inout RelayExchange, _ body: ByteBuffer, _ actions: inout [RelayAction]) {
        if body.readableBytes > 0 {
            send(exchange.head.upstreamHead, &actions)
            send(body, marking: exchange.number, &actions)
        } else {
            send(exchange.head.upstreamHead, marking: exchange.number, &actions)
        }
        startTimeout(&exchange, &actions)
        flushesUpstream = true
        flushUpstream(&actions)
    }

    /// Gives the upstream `responseTimeout` from the first time the request went, to start answering.
    mutating func startTimeout(_ exchange: inout RelayExchange, _ actions: inout [RelayAction]) {
        guard !exchange.timing else { return }
        exchange.timing = true
        actions.append(.startTimeout(exchange.number))
    }

    /// Writes `bytes` upstream, connecting first when there is no connection; when `exchange` is given, a
    /// failed write marks its request as never sent.
    mutating func send(_ bytes: ByteBuffer, marking exchange: Int? = nil, _ actions: inout [RelayAction]) {
        switch upstream {
        case .none:
            connections += 1
            upstream = .connecting(connections)
            pending = [bytes]
            actions.append(.connectUpstream(connections))
            // Nothing more is read from the client until the connection is there to take it.
            updateReading(&actions)
        case .connecting:
            pending.append(bytes)
        case .connected:
            actions.append(.writeUpstream(bytes, exchange: exchange))
            flushesUpstream = true
        }
    }
}
