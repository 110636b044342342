import Foundation
import MetricsClient
import MetricsWire

/// Copies what a ``TargetWatcher``'s pollers know into the screen state's targets: targets added and
/// dropped as the watcher did, ended ones marked, new snapshots and statuses applied.
struct TargetRefresher {
    private var adapters: [String: PollerStateAdapter] = [:]
    private var lastPolls: [String: Int] = [:]
    /// When each target's full state was last read.
    private var lastRead: [String: Date] = [:]
    /// The tool whose whole history was last copied, per target.
    private var detailShown: [String: String?] = [:]

    /// Brings `state.targets` up to date with `watcher`; returns whether anything changed.
    mutating func refresh(_ state: inout DashboardState, from watcher: TargetWatcher) -> Bool {
        let entries = watcher.targets
        var changed = entries.count != state.targets.count
        var views: [TargetView] = []
        views.reserveCapacity(entries.count)
        for entry in entries {
            var view = state.target(entry.id) ?? TargetView(id: entry.id, name: entry.name, origin: entry.origin)
            if view.endedAt != entry.endedAt {
                view.endedAt = entry.endedAt
                changed = true
            }
            if entry.endedAt == nil {
                // The full state is read after a poll finished; otherwise only the status, once a second,
                // for the words that change with time alone (a countdown, a stale age).
                let finished = entry.poller.pollsFinished
                let detail = state.ui.detail?.target == entry.id ? state.ui.detail?.tool : nil
                let now = Date()
                if finished != lastPolls[entry.id] || (detail != nil && detail != detailShown[entry.id]) {
                    lastRead[entry.id] = now
                    let polled = entry.poller.state
                    detailShown[entry.id] = detail
                    lastPolls[entry.id] = polled.polls
                    adapters[entry.id, default: PollerStateAdapter()]
                        .apply(polled, to: &view, rateWindow: state.rateWindow, detailTool: detail)
                    changed = true
                } else if now.timeIntervalSince(lastRead[entry.id] ?? .distantPast) >= 1 {
                    lastRead[entry.id] = now
                    let status = entry.poller.status
                    if status.headerText != view.connection.headerText {
                        view.connection = status
                        changed = true
                    }
                }
            }
            views.append(view)
        }
        // Targets that went away leave nothing behind (only checked when some did).
        if lastRead.count > entries.count {
            let kept = Set(entries.map(\.id))
            adapters = adapters.filter { kept.contains($0.key) }
            lastPolls = lastPolls.filter { kept.contains($0.key) }
            detailShown = detailShown.filter { kept.contains($0.key) }
            lastRead = lastRead.filter { kept.contains($0.key) }
        }
        // A fleet's rates are over Prometheus's window, not the screen's own.
        if let window = views.lazy.compactMap({ $0.snapshot?.fleet?.windowSeconds }).first {
            state.rateWindow = window
        }
        if changed { state.targets = views }
        return changed
    }
}
