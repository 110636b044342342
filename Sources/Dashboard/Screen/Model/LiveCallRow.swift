import Foundation
import MetricsClient

/// One line of the live calls pane: a request still waiting for its answer.
struct LiveCallRow: Sendable, Equatable {
    /// The target's name.
    var server: String
    /// The tool for a `tools/call`, else the method.
    var what: String
    /// Whether the server sent it to the client (sampling, elicitation…).
    var fromServer: Bool
    /// Milliseconds since it started, ticking on from the snapshot to `state.now`.
    var elapsedMs: Double
    var progress: Double?
    var total: Double?
    var message: String?

    /// The in-flight calls of every target, longest first; `reported` counts those the targets said are in
    /// flight (they list the longest ones only).
    static func rows(for state: DashboardState) -> (rows: [LiveCallRow], reported: Int) {
        var rows: [LiveCallRow] = []
        var reported = 0
        for target in state.targets where !target.hasEnded {
            guard let mcp = target.snapshot?.mcp else { continue }
            reported += max(mcp.inFlightCount, mcp.inFlight.count)
            let ticking =
                target.connection.isConnected ? max(0, state.now.timeIntervalSince(target.receivedAt ?? state.now)) : 0
            for call in mcp.inFlight {
                rows.append(
                    LiveCallRow(
                        server: target.name,
                        what: call.tool ?? call.method,
                        fromServer: call.fromServer,
                        elapsedMs: call.elapsedMs + ticking * 1000,
                        progress: call.progress,
                        total: call.total,
                        message: call.message
                    )
                )
            }
        }
        rows.sort { $0.elapsedMs != $1.elapsedMs ? $0.elapsedMs > $1.elapsedMs : $0.server < $1.server }
        return (rows, reported)
    }

    /// Whether any target reports in-flight calls at all (a proxy does; other engines do not).
    static func isReported(in state: DashboardState) -> Bool {
        state.targets.contains { $0.snapshot?.mcp != nil }
    }
}
