import MetricsClient
import MetricsWire

/// The watched targets counted by status, for the header: connected first, then the troubles.
struct TargetGroups: Sendable {
    /// One status and how many targets have it; `sample` is one of them (nil for ended targets).
    struct Group: Sendable {
        var label: String
        var count: Int
        var sample: ConnectionStatus?
    }

    /// Non-empty groups in a fixed order: connected, connecting, stale, reconnecting, incompatible, ended.
    let groups: [Group]

    init(_ targets: [TargetView]) {
        let order = ["connected", "connecting", "stale", "reconnecting", "incompatible", "ended"]
        var counts: [String: Group] = [:]
        for target in targets {
            let label = target.hasEnded ? "ended" : target.connection.label
            counts[label, default: Group(label: label, count: 0, sample: target.hasEnded ? nil : target.connection)]
                .count += 1
        }
        groups = order.compactMap { counts[$0] }
    }
}
