import MetricsWire

/// Fans events out to any number of `AsyncStream`s; a slow reader loses old events, never memory.
final class EventBroadcaster: Sendable {
    private struct State {
        var nextID = 0
        var continuations: [Int: AsyncStream<PollerEvent>.Continuation] = [:]
    }

    private let state = Guarded(State())

    func stream(bufferSize: Int) -> AsyncStream<PollerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: PollerEvent.self,
            bufferingPolicy: .bufferingNewest(max(1, bufferSize))
        )
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.continuations[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func send(_ events: [PollerEvent]) {
        guard !events.isEmpty else { return }
        let continuations = state.withLock { Array($0.continuations.values) }
        for continuation in continuations {
            for event in events { continuation.yield(event) }
        }
    }

    func finishAll() {
        let continuations = state.withLock { state in
            defer { state.continuations.removeAll() }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
