import Engine
import MetricsWire

/// What one request carried, shared by the handlers that relay it and the task that forgets it.
final class Exchange: Sendable {
    let session: String
    private let ids = Guarded<[RPCID]>([])
    private let stream = Guarded<Int?>(nil)
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

    /// The observer's number for the GET SSE stream this exchange's answer is (handshake era), once it began.
    var getStream: Int? {
        get { stream.withLock { $0 } }
        set { stream.withLock { $0 = newValue } }
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

    /// Records the body with `recorder` (only that it was there, when it was too long to keep).
    func record(to recorder: MessageRecorder, direction: MessageDirection) {
        let captured = state.withLock { $0 }
        if captured.oversized {
            recorder.recordOmitted(direction: direction)
        } else {
            recorder.record(captured.bytes, direction: direction)
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
