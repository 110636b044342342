import MetricsClient

/// One line of the errors pane: how often a tool of one target failed with one error type.
struct ErrorRow: Sendable, Equatable {
    var tool: String
    /// The target's name.
    var server: String
    var type: String
    var count: Int
    /// `count` as a percentage (0–100) of the tool's calls.
    var share: Double

    /// Every (tool, error type) pair with a non-zero count in `snapshot`, most frequent first, then by tool
    /// and type name.
    static func rows(for snapshot: MetricsSnapshot?, server: String = "") -> [ErrorRow] {
        guard let snapshot else { return [] }
        var rows: [ErrorRow] = []
        for (tool, metrics) in snapshot.toolMetrics {
            for (type, count) in metrics.errorTypes where count > 0 {
                let share = metrics.totalCalls > 0 ? Double(count) * 100 / Double(metrics.totalCalls) : 0
                rows.append(ErrorRow(tool: tool, server: server, type: type, count: count, share: share))
            }
        }
        sort(&rows)
        return rows
    }

    /// The rows of every target of `state`, most frequent first.
    static func rows(for state: DashboardState) -> [ErrorRow] {
        guard state.isMultiTarget else { return rows(for: state.primary?.snapshot) }
        var all = state.targets.flatMap { rows(for: $0.snapshot, server: $0.name) }
        sort(&all)
        return all
    }

    private static func sort(_ rows: inout [ErrorRow]) {
        rows.sort { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count > rhs.count }
            if lhs.tool != rhs.tool { return lhs.tool < rhs.tool }
            if lhs.server != rhs.server { return lhs.server < rhs.server }
            return lhs.type < rhs.type
        }
    }
}
