/// How the dashboard's view of the engine is doing, as the header shows it.
enum ConnectionState: Sendable, Equatable {
    /// No answer yet from the first poll.
    case connecting
    /// The last poll succeeded.
    case connected
    /// Polls fail; `attempt` retries so far, the next in `nextTryIn` seconds.
    case reconnecting(attempt: Int, nextTryIn: Double)
    /// The data shown is `seconds` old: polls stopped answering in time.
    case stale(seconds: Double)
    /// The endpoint answers with something that is not the §5 schema.
    case incompatible(reason: String)
    /// Given up or cut off, with why.
    case disconnected(reason: String)

    /// The header's words for this state.
    var text: String {
        switch self {
        case .connecting:
            return "connecting…"
        case .connected:
            return "connected"
        case .reconnecting(let attempt, let nextTryIn):
            return "reconnecting \(attempt), next try in \(Format.seconds(nextTryIn))"
        case .stale(let seconds):
            return "stale for \(Format.seconds(seconds))"
        case .incompatible(let reason):
            return "incompatible: \(reason)"
        case .disconnected(let reason):
            return "disconnected: \(reason)"
        }
    }

    /// Whether the data on screen is current.
    var isHealthy: Bool { self == .connected }
}
