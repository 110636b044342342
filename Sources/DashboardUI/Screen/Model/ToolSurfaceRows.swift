import Foundation
import MetricsWire

/// What the Tools view and the header's badge read of each target's tool surface.
extension DashboardState {
    /// The targets whose proxies reported a tool surface, in the watcher's order.
    var surfaces: [(target: TargetView, surface: ToolSurfaceMetrics)] {
        targets.compactMap { target in target.snapshot?.mcp?.toolSurface.map { (target, $0) } }
    }

    /// Risky tool changes not acknowledged yet, across targets.
    var unacknowledgedRisky: Int {
        surfaces.reduce(0) { total, pair in
            let ack = ui.acknowledged[pair.target.id]
            return total
                + pair.surface.changes.filter { $0.risky && ack?.covers(seq: $0.seq, time: $0.time) != true }.count
        }
    }

    /// Every target's newest change, to acknowledge with `a`.
    var newestChanges: [String: Acknowledgement] {
        var newest: [String: Acknowledgement] = [:]
        for (target, surface) in surfaces {
            if let change = surface.changes.first {
                newest[target.id] = Acknowledgement(seq: change.seq, time: change.time)
            }
        }
        return newest
    }
}
