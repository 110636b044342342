import Foundation
import MetricsClient
import MetricsWire

/// One line of the recent failures pane: a call that failed, with its message.
struct FailureRow: Sendable, Equatable {
    /// When it ended, seconds since 1970.
    var time: Double
    /// The target's name.
    var server: String
    /// The tool for a `tools/call`, else the method.
    var what: String
    var errorType: String
    var message: String
    var latencyMs: Double
    /// The target's id and the tool, to pick a tool's own failures.
    var target: String
    var tool: String?

    /// The latest failures of every target, newest first.
    static func rows(for state: DashboardState) -> [FailureRow] {
        var rows: [FailureRow] = []
        for target in state.targets {
            for failure in target.snapshot?.mcp?.recentFailures ?? [] {
                rows.append(
                    FailureRow(
                        time: failure.time,
                        server: target.name,
                        what: failure.tool ?? failure.method,
                        errorType: failure.errorType,
                        message: failure.message,
                        latencyMs: failure.latencyMs,
                        target: target.id,
                        tool: failure.tool
                    )
                )
            }
        }
        rows.sort { $0.time != $1.time ? $0.time > $1.time : $0.server < $1.server }
        return rows
    }
}
