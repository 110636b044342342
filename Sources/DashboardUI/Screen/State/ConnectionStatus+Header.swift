import MetricsClient
import MetricsWire

extension ConnectionStatus {
    /// The header's short words for the status: `reconnecting 3, next try in 4s`.
    var headerText: String {
        switch self {
        case .connecting:
            return "connecting…"
        case .connected:
            return "connected"
        case .reconnecting(let attempt, let next, _):
            return "reconnecting \(attempt), next try in \(Format.seconds(next.inSeconds))"
        case .stale(let age):
            return "stale for \(Format.seconds(age.inSeconds))"
        case .incompatible(let error, _, _):
            return "incompatible: \(error.reason)"
        }
    }
}
