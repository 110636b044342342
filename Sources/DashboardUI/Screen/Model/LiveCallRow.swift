import Foundation
import MetricsClient
import MetricsWire

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
    /// A line that is not a call: a target's open streams, or its calls waiting for the user's input.
    var note: String?

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
                let what = call.tool ?? call.method
                rows.append(
                    LiveCallRow(
                        server: target.name,
                        what: call.round.map { "\(what) (round \($0))" } ?? what,
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
        return (rows + notes(for: state), reported)
    }

    /// What is open but is no call, a line per target: streams (never in the latencies) and calls waiting
    /// for the user between rounds.
    static func notes(for state: DashboardState) -> [LiveCallRow] {
        state.targets.filter { !$0.hasEnded }.compactMap { target in
            guard let mcp = target.snapshot?.mcp else { return nil }
            var parts: [String] = []
            if let streams = mcp.streams, streams.openCount > 0 { parts.append(streams.summary) }
            if let waiting = mcp.awaitingInput, waiting > 0 {
                parts.append("\(waiting) call\(waiting == 1 ? "" : "s") waiting for the user's input")
            }
            guard !parts.isEmpty else { return nil }
            return LiveCallRow(
                server: target.name,
                what: "",
                fromServer: false,
                elapsedMs: 0,
                note: "⇄ " + parts.joined(separator: " · ")
            )
        }
    }

    /// Whether any target reports in-flight calls at all (a proxy does; other engines do not).
    static func isReported(in state: DashboardState) -> Bool {
        state.targets.contains { $0.snapshot?.mcp != nil }
    }
}
