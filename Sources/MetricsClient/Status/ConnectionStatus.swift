import MetricsWire

/// What a UI shows about the link to the metrics endpoint; ``description`` is ready to display.
public enum ConnectionStatus: Sendable, Equatable, CustomStringConvertible {
    /// No poll has finished yet.
    case connecting
    /// The last poll succeeded and its data is fresh.
    case connected
    /// The last poll succeeded, but no new data arrived for `lastGoodAge` (a poll is taking too long).
    case stale(lastGoodAge: Duration)
    /// The last poll failed to connect or to complete; retry `attempt` comes in `nextTryIn`.
    case reconnecting(attempt: Int, nextTryIn: Duration, error: PollError)
    /// The server answered with something unusable (``PollError/isIncompatible``); retried with backoff too.
    case incompatible(error: PollError, attempt: Int, nextTryIn: Duration)

    /// One word for a badge: `connecting`, `connected`, `stale`, `reconnecting`, `incompatible`.
    public var label: String {
        switch self {
        case .connecting: return "connecting"
        case .connected: return "connected"
        case .stale: return "stale"
        case .reconnecting: return "reconnecting"
        case .incompatible: return "incompatible"
        }
    }

    /// Whether the data shown is current.
    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    /// The failure behind the status, if any.
    public var error: PollError? {
        switch self {
        case .reconnecting(_, _, let error), .incompatible(let error, _, _): return error
        default: return nil
        }
    }

    /// A line for a header: `reconnecting (attempt 3, next try in 4 s): connection refused`.
    public var description: String {
        switch self {
        case .connecting:
            return "connecting"
        case .connected:
            return "connected"
        case .stale(let age):
            return "stale (last good data \(Format.duration(age)) ago; waiting for the server)"
        case .reconnecting(let attempt, let next, let error):
            return "reconnecting (\(Self.retry(attempt, next))): \(error.reason)"
        case .incompatible(let error, let attempt, let next):
            return "incompatible response (\(error.code)): \(error.reason) (\(Self.retry(attempt, next)))"
        }
    }

    private static func retry(_ attempt: Int, _ next: Duration) -> String {
        next > .zero ? "attempt \(attempt), next try in \(Format.duration(next))" : "attempt \(attempt), trying now"
    }

    /// Whether two statuses describe the same situation, ignoring how much time has passed.
    func sameSituation(as other: ConnectionStatus) -> Bool {
        switch (self, other) {
        case (.connecting, .connecting), (.connected, .connected), (.stale, .stale): return true
        case (.reconnecting(let lhsAttempt, _, let lhs), .reconnecting(let rhsAttempt, _, let rhs)):
            return lhsAttempt == rhsAttempt && lhs == rhs
        case (.incompatible(let lhs, let lhsAttempt, _), .incompatible(let rhs, let rhsAttempt, _)):
            return lhsAttempt == rhsAttempt && lhs == rhs
        default: return false
        }
    }
}
