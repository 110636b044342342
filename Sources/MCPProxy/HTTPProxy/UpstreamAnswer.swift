import Engine
import MetricsWire
import NIOCore
import NIOHTTP1

/// What the observer reads of one upstream answer while it is relayed: a JSON body once it is complete,
/// each SSE event once the chunk that ends it was written to the client.
struct UpstreamAnswer {
    let status: HTTPResponseStatus
    let exchange: Exchange
    let method: HTTPMethod
    let observer: ProxyObserver
    /// Whether the answer is an SSE stream.
    let isStream: Bool
    /// The observer's number for a GET SSE stream (handshake era), which is a stream and not a call.
    let getStream: Int?
    private let isJSON: Bool
    private var events: SSEReader
    private let body: BodyCapture

    init(
        _ head: ResponseHead,
        exchange: Exchange,
        method: HTTPMethod,
        observer: ProxyObserver,
        messageLimit: Int
    ) {
        self.status = head.status
        self.exchange = exchange
        self.method = method
        self.observer = observer
        self.isStream = head.content == .eventStream
        self.isJSON = head.content == .json
        self.events = SSEReader(dataLimit: messageLimit)
        self.body = BodyCapture(limit: messageLimit)
        self.getStream =
            method == .GET && isStream && (200..<300).contains(head.status.code)
            ? observer.getStreamOpened(session: exchange.session) : nil
    }

    /// Reads payload about to be written to the client; adds the events it completed to `found`, to be
    /// observed once it was written.
    mutating func read(_ payload: UnsafeRawBufferPointer, into found: inout [SSEReader.Event]) {
        if isStream {
            events.read(payload) { found.append($0) }
        } else if isJSON {
            body.append(payload)
        }
    }

    /// Observes `found`, written to the client at `instant`.
    func observe(_ found: [SSEReader.Event], at instant: ContinuousClock.Instant) {
        for event in found {
            switch event {
            case .data(let data):
                data.withUnsafeBufferPointer {
                    observer.serverMessage($0, session: exchange.session, stream: getStream, at: instant)
                }
            case .oversized(let head, let tail):
                head.withUnsafeBufferPointer { head in
                    tail.withUnsafeBufferPointer { tail in
                        _ = observer.oversizedLine(
                            from: .server,
                            session: exchange.session,
                            head: head,
                            tail: tail,
                            at: instant
                        )
                    }
                }
            }
        }
    }

    /// The answer ended, its last bytes written to the client at `instant`.
    mutating func finish(at instant: ContinuousClock.Instant) {
        if isStream {
            events.finish()
            for (issue, times) in events.issues { observer.count(issue, times) }
            // A listen stream the server closed without its closing answer ended abruptly.
            endStreams(abruptly: true, at: instant)
        } else if isJSON {
            _ = body.observe(with: observer, from: .server, session: exchange.session, at: instant)
        }
        finishExchange(at: instant)
    }

    /// The client left before the answer ended: its streams end (closing one is how a client ends a listen).
    func clientLeft(at instant: ContinuousClock.Instant = .now) {
        endStreams(abruptly: false, at: instant)
    }

    /// Ends a GET stream, and the listen streams among the exchange's requests still open.
    private func endStreams(abruptly: Bool, at instant: ContinuousClock.Instant) {
        if let getStream { observer.getStreamEnded(getStream, at: instant) }
        if isStream {
            observer.streamsEnded(exchange.requests, session: exchange.session, abruptly: abruptly, at: instant)
        }
    }

    /// The upstream closed the connection in the middle of the answer.
    func dropped() {
        endStreams(abruptly: true, at: .now)
        observer.fail(
            exchange.requests,
            session: exchange.session,
            errorType: "upstream_dropped",
            message: "the upstream closed the connection before answering"
        )
        observer.count("upstream_dropped")
    }

    /// Requests of this exchange still waiting once the answer ended: failed when the upstream said so
    /// (an HTTP error, or JSON without their response), waited for when a stream ended without them.
    private func finishExchange(at instant: ContinuousClock.Instant) {
        let status = Int(self.status.code)
        let session = exchange.session
        if !session.isEmpty, (method == .DELETE && (200..<300).contains(status)) || status == 404 {
            observer.sessionEnded(session, at: instant)
            return
        }
        guard !exchange.requests.isEmpty else { return }
        if !(200..<300).contains(status) {
            observer.fail(
                exchange.requests,
                session: session,
                errorType: "http_\(status)",
                message: "the upstream answered HTTP \(status) \(self.status.reasonPhrase)",
                at: instant
            )
        } else if isStream {
            exchange.forgetLater(observer)
        } else {
            observer.fail(
                exchange.requests,
                session: session,
                errorType: "no_response",
                message: "the upstream answered HTTP \(status) without a JSON-RPC response",
                at: instant
            )
        }
    }
}

/// What one request carried, shared by the handlers that relay it and the task that forgets it.
final class Exchange: Sendable {
    let session: String
    private let ids = Guarded<[RPCID]>([])
    /// How long requests whose stream ended without their answer are waited for (a client may resume the
    /// stream with `Last-Event-ID`) before they are forgotten.
    static let resumePatience: Duration = .seconds(60)

    init(session: String) {
        self.session = session
    }

    /// The client's requests in the body.
    var requests: [RPCID] {
        get { ids.withLock { $0 } }
        set { ids.withLock { $0 = newValue } }
    }

    /// Stops waiting for the requests after ``resumePatience``: the client left, or the stream ended
    /// without their answers; neither is a cancellation.
    func forgetLater(_ observer: ProxyObserver) {
        let requests = self.requests
        guard !requests.isEmpty else { return }
        let session = self.session
        Task {
            try? await Task.sleep(for: Self.resumePatience)
            observer.forget(requests, session: session, issue: "unanswered_after_disconnect")
        }
    }
}

/// A copy of a body for the observer: whole up to `limit`, its first and last 64 KiB beyond.
final class BodyCapture: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var tail: [UInt8] = []
        var oversized = false
    }

    let limit: Int
    private let state = Guarded(State())

    init(limit: Int) {
        self.limit = limit
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            if !state.oversized, state.bytes.count + bytes.count <= limit {
                state.bytes.append(contentsOf: bytes)
                return
            }
            state.oversized = true
            if state.bytes.count < SSEReader.keptEnds {
                state.bytes.append(contentsOf: bytes.prefix(SSEReader.keptEnds - state.bytes.count))
            }
            state.tail.append(contentsOf: bytes.suffix(SSEReader.keptEnds))
            if state.tail.count > SSEReader.keptEnds {
                state.tail.removeFirst(state.tail.count - SSEReader.keptEnds)
            }
        }
    }

    /// Gives the body to `observer` as `side`'s message; returns the ids of the requests it held.
    func observe(
        with observer: ProxyObserver,
        from side: RPCSide = .client,
        session: String,
        headers: MCPRequestHeaders? = nil,
        at instant: ContinuousClock.Instant
    ) -> [RPCID] {
        let captured = state.withLock { $0 }
        if captured.oversized {
            let head = Array(captured.bytes.prefix(SSEReader.keptEnds))
            let id = head.withUnsafeBufferPointer { head in
                captured.tail.withUnsafeBufferPointer { tail in
                    observer.oversizedLine(from: side, session: session, head: head, tail: tail, at: instant)
                }
            }
            return id.map { [$0] } ?? []
        }
        return captured.bytes.withUnsafeBufferPointer { bytes in
            switch side {
            case .client:
                return observer.clientMessage(bytes, session: session, headers: headers, at: instant).requests
            case .server:
                observer.serverMessage(bytes, session: session, at: instant)
                return []
            }
        }
    }
}
