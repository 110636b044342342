import MetricsWire

/// How far one request got, so a timeout can say what the server did (nothing, or too little).
final class FetchProgress: Sendable {
    struct State {
        var status: Int?
        var bytes = 0
    }

    private let state = Guarded(State())

    func received(status: Int) {
        state.withLock { $0.status = status }
    }

    func received(bytes: Int) {
        state.withLock { $0.bytes = bytes }
    }

    var current: State { state.withLock { $0 } }
}
