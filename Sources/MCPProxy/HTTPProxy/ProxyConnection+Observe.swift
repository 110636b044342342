import Engine
import Logging
import MetricsWire
import NIOCore

/// What the observer (and the log) is told of the traffic, as ``RelayStateMachine`` says
/// (``RelayObservation``).
extension ProxyConnection {
    func observe(_ observation: RelayObservation) {
        let observer = shared.observer
        switch observation {
        case .request(let record, let body, let headers, let consultsCache):
            shared.recorder?.record(body.readableBytesView, direction: .clientToServer)
            let observed = body.withUnsafeReadableBytes { bytes in
                observer.clientMessage(
                    bytes.assumingMemoryBound(to: UInt8.self),
                    session: record.session,
                    headers: headers,
                    at: eventTime
                )
            }
            if let key = observed.sharedKey, let context {
                askSharedLevel(key, record: record, body: body, headers: headers, on: context.eventLoop)
                return
            }
            requestObserved(record, answer: observed.answer, requests: observed.requests, consultsCache: consultsCache)
        case .streamedRequest(let record, let capture, let headers):
            if let recorder = shared.recorder { capture.record(to: recorder, direction: .clientToServer) }
            record.requests = capture.observe(with: observer, session: record.session, headers: headers, at: .now)
        case .answerBegan(let record, let opensGetStream):
            if opensGetStream { record.getStream = observer.getStreamOpened(session: record.session) }
        case .events(let record, let found):
            observe(found, of: record, at: .now)
        case .answerEnded(let record, let reading):
            answerEnded(record, reading, at: .now)
        case .answerDropped(let record, let isStream):
            endStreams(of: record, isStream: isStream, abruptly: true, at: .now)
            observer.fail(
                record.requests,
                session: record.session,
                errorType: "upstream_dropped",
                message: "the upstream closed the connection before answering"
            )
            observer.count("upstream_dropped")
        case .clientLeft(let record, let reading):
            // Closing a stream is how a client ends a listen.
            if let reading { endStreams(of: record, isStream: reading.isStream, abruptly: false, at: .now) }
            record.forgetLater(observer)
        case .failed(let record, let failure):
            observer.fail(
                record.requests,
                session: record.session,
                errorType: failure.errorType,
                message: failure.message
            )
            shared.logger.warning("\(failure.message)")
        case .refused(let reason):
            shared.logger.debug("refused a request", metadata: ["reason": "\(reason)"])
        case .misframedAnswer:
            shared.logger.warning("the upstream's answer was not framed as it said; the client's connection was closed")
        }
    }

    /// Observes SSE events written to the client at `instant`.
    private func observe(_ found: [SSEReader.Event], of record: Exchange, at instant: ContinuousClock.Instant) {
        let observer = shared.observer
        for event in found {
            switch event {
            case .data(let data):
                shared.recorder?.record(data, direction: .serverToClient)
                data.withUnsafeBufferPointer {
                    observer.serverMessage($0, session: record.session, stream: record.getStream, at: instant)
                }
            case .oversized(let head, let tail):
                shared.recorder?.recordOmitted(direction: .serverToClient)
                head.withUnsafeBufferPointer { head in
                    tail.withUnsafeBufferPointer { tail in
                        _ = observer.oversizedLine(
                            from: .server,
                            session: record.session,
                            head: head,
                            tail: tail,
                            at: instant
                        )
                    }
                }
            }
        }
    }

    /// The answer ended, its last bytes written to the client at `instant`. Requests still waiting are
    /// failed when the upstream said so (an HTTP error, or JSON without their response), waited for when a
    /// stream ended without them.
    private func answerEnded(_ record: Exchange, _ reading: AnswerReading, at instant: ContinuousClock.Instant) {
        let observer = shared.observer
        if reading.isStream {
            for (issue, times) in reading.events.issues { observer.count(issue, times) }
            // A listen stream the server closed without its closing answer ended abruptly.
            endStreams(of: record, isStream: true, abruptly: true, at: instant)
        } else if reading.isJSON {
            if let recorder = shared.recorder { reading.body.record(to: recorder, direction: .serverToClient) }
            _ = reading.body.observe(with: observer, from: .server, session: record.session, at: instant)
        }
        let status = Int(reading.status.code)
        let session = record.session
        if !session.isEmpty, (reading.method == .DELETE && (200..<300).contains(status)) || status == 404 {
            observer.sessionEnded(session, at: instant)
            return
        }
        guard !record.requests.isEmpty else { return }
        if !(200..<300).contains(status) {
            observer.fail(
                record.requests,
                session: session,
                errorType: "http_\(status)",
                message: "the upstream answered HTTP \(status) \(reading.status.reasonPhrase)",
                at: instant
            )
        } else if reading.isStream {
            record.forgetLater(observer)
        } else {
            observer.fail(
                record.requests,
                session: session,
                errorType: "no_response",
                message: "the upstream answered HTTP \(status) without a JSON-RPC response",
                at: instant
            )
        }
    }

    /// Ends a GET stream, and the listen streams among the exchange's requests still open.
    private func endStreams(of record: Exchange, isStream: Bool, abruptly: Bool, at instant: ContinuousClock.Instant) {
        if let getStream = record.getStream { shared.observer.getStreamEnded(getStream, at: instant) }
        if isStream {
            shared.observer.streamsEnded(record.requests, session: record.session, abruptly: abruptly, at: instant)
        }
    }

    private func requestObserved(_ record: Exchange, answer: [UInt8]?, requests: [RPCID], consultsCache: Bool) {
        record.requests = requests
        if let answer { shared.recorder?.record(answer, direction: .serverToClient) }
        if consultsCache { perform(machine.cacheAnswered(answer.map { ByteBuffer(bytes: $0) })) }
    }

    /// The first cache level missed a call: the shared level is asked off the event loop (bounded by the
    /// store's deadline), and the request is observed again with its answer back on the loop; the state
    /// machine waits for ``RelayStateMachine/cacheAnswered(_:)`` meanwhile, as it does for every cached tool.
    private func askSharedLevel(
        _ key: ResponseCacheKey,
        record: Exchange,
        body: ByteBuffer,
        headers: MCPRequestHeaders?,
        on eventLoop: any EventLoop
    ) {
        guard let cache = shared.observer.cache?.cache else { return }
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        let pending = NIOLoopBound((record, body, headers, eventTime), eventLoop: eventLoop)
        Task {
            let found = await cache.sharedValue(for: key)
            eventLoop.execute {
                let connection = connection.value
                let (record, body, headers, instant) = pending.value
                // The client left while the store was asked: nothing to observe or answer.
                guard connection.context != nil, connection.machine.isConsultingCache else { return }
                let observed = body.withUnsafeReadableBytes { bytes in
                    connection.shared.observer.clientMessage(
                        bytes.assumingMemoryBound(to: UInt8.self),
                        session: record.session,
                        headers: headers,
                        at: instant,
                        shared: .answered(found)
                    )
                }
                connection.requestObserved(
                    record,
                    answer: observed.answer,
                    requests: observed.requests,
                    consultsCache: true
                )
            }
        }
    }
}
