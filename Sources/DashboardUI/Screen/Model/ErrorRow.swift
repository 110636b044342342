import MetricsClient
import MetricsWire

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
        let table = ErrorTable(snapshot: snapshot, server: server)
        return table.rows(0..<table.count)
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
}
