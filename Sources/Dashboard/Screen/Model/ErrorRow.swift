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
        var rows: [ErrorRow] = []
        append(snapshot, server: server, to: &rows)
        return sorted(rows)
    }

    /// The rows of every target of `state`, most frequent first; ties in target order, then by tool and type.
    static func rows(for state: DashboardState) -> [ErrorRow] {
        guard state.isMultiTarget else { return rows(for: state.primary?.snapshot) }
        var rows: [ErrorRow] = []
        for target in state.targets { append(target.snapshot, server: target.name, to: &rows) }
        return sorted(rows)
    }

    /// How many tools (of all targets) have failed at least once.
    static func failingTools(in state: DashboardState) -> Int {
        state.targets.reduce(0) { total, target in
            total
                + (target.snapshot?.toolMetrics.values.reduce(0) {
                    $0 + ($1.errorTypes.values.contains { $0 > 0 } ? 1 : 0)
                } ?? 0)
        }
    }

    /// Appends the rows of `snapshot` in tool, then type, order: the tie order the final sort keeps.
    private static func append(_ snapshot: MetricsSnapshot?, server: String, to rows: inout [ErrorRow]) {
        guard let snapshot else { return }
        for tool in snapshot.toolMetrics.keys.sorted() {
            let metrics = snapshot.toolMetrics[tool]!
            for type in metrics.errorTypes.keys.sorted() {
                let count = metrics.errorTypes[type]!
                guard count > 0 else { continue }
                let share = metrics.totalCalls > 0 ? Double(count) * 100 / Double(metrics.totalCalls) : 0
                rows.append(ErrorRow(tool: tool, server: server, type: type, count: count, share: share))
            }
        }
    }

    /// Most frequent first; equal counts keep the order they were appended in (a stable sort on one integer,
    /// so no string is compared: thousands of rows sort in microseconds).
    private static func sorted(_ rows: [ErrorRow]) -> [ErrorRow] {
        let order = rows.indices.sorted { rows[$0].count > rows[$1].count }
        return order.map { rows[$0] }
    }
}
