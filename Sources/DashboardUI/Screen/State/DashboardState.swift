import ConfigFile
import Foundation
import MetricsClient
import MetricsWire

/// Everything one frame of the dashboard shows: every watched target with its latest snapshot and what
/// was derived from the ones before, and the user's view settings.
///
/// A plain value: the pollers and the key handler fill it in, `render(_:size:)` draws it.
public struct DashboardState: Sendable {
    /// The watched targets in the order they were added.
    public var targets: [TargetView]
    /// Embedded engine or attached to others.
    var mode: DashboardMode
    /// Seconds between polls, shown in the footer.
    var refreshInterval: Double
    /// Seconds over which call rates are computed (said on screen).
    var rateWindow: Double
    /// When latencies and success rates change colour.
    var thresholds: LatencyThresholds
    /// Local proxies found but not watched (plain `dashboard` offers them: `L` adds them).
    var localOffer: Int
    /// The messages read from the watched proxies while the Messages view is open.
    var messages = MessageList()
    /// The user's view settings.
    public var ui: UIState
    /// The time the header's clock shows.
    var now: Date
    /// The time zone of the header's clock.
    var clockZone: ClockZone

    /// A dashboard with no targets yet, in `mode`, refreshed every `refreshInterval` seconds, rates over
    /// `rateWindow` seconds, latencies coloured by `thresholds`.
    public init(mode: DashboardMode, refreshInterval: Double, rateWindow: Double, thresholds: LatencyThresholds) {
        self.init(
            targets: [],
            mode: mode,
            refreshInterval: refreshInterval,
            rateWindow: rateWindow,
            thresholds: thresholds
        )
    }

    /// Creates a state of `targets`.
    init(
        targets: [TargetView],
        mode: DashboardMode = .attached,
        refreshInterval: Double = 1,
        rateWindow: Double = 10,
        thresholds: LatencyThresholds = LatencyThresholds(),
        localOffer: Int = 0,
        ui: UIState = UIState(),
        now: Date = Date(),
        clockZone: ClockZone = .local
    ) {
        self.targets = targets
        self.mode = mode
        self.refreshInterval = refreshInterval
        self.rateWindow = rateWindow
        self.thresholds = thresholds
        self.localOffer = localOffer
        self.ui = ui
        self.now = now
        self.clockZone = clockZone
    }

    /// A state of one target at `target` (the embedded engine's, or one attached to).
    init(
        snapshot: MetricsSnapshot? = nil,
        mode: DashboardMode = .embedded,
        target: String = "127.0.0.1:9109",
        connection: ConnectionStatus = .connecting,
        callRates: [String: Double] = [:],
        history: [String: ToolHistory] = [:],
        totalCallsPerSecond: Double? = nil,
        intervalHitRates: [String: Double] = [:],
        uploadRates: [String: Double] = [:],
        refreshInterval: Double = 1,
        thresholds: LatencyThresholds = LatencyThresholds(),
        ui: UIState = UIState(),
        now: Date = Date(),
        clockZone: ClockZone = .local
    ) {
        let view = TargetView(
            id: target,
            origin: mode == .embedded ? .embedded : .attached,
            connection: connection,
            snapshot: snapshot,
            receivedAt: snapshot == nil ? nil : now,
            callRates: callRates,
            history: history,
            totalCallsPerSecond: totalCallsPerSecond,
            intervalHitRates: intervalHitRates,
            uploadRates: uploadRates
        )
        self.init(
            targets: [view],
            mode: mode,
            refreshInterval: refreshInterval,
            thresholds: thresholds,
            ui: ui,
            now: now,
            clockZone: clockZone
        )
    }

    /// Whether rows must say which server they belong to.
    var isMultiTarget: Bool { targets.count > 1 }

    /// The first target: the only one outside multi-target views.
    var primary: TargetView? { targets.first }

    /// The target with `id`.
    func target(_ id: String) -> TargetView? { targets.first { $0.id == id } }

    /// What empty panes say before any snapshot arrived.
    var noDataMessage: String {
        guard let primary, targets.count == 1 else {
            return targets.isEmpty
                ? "no targets yet: waiting for a local proxy to start…" : "waiting for the first snapshot…"
        }
        return primary.connection == .connecting
            ? "waiting for the first snapshot…" : "no data yet (\(primary.connection.headerText))"
    }

    /// The target whose uploads the uploads pane shows: the first that has an uploader (or the only one).
    var uploadTarget: TargetView? {
        targets.first { $0.snapshot?.uploadMetrics != nil } ?? (isMultiTarget ? nil : primary)
    }

    /// Whether any target has answered.
    var hasData: Bool { targets.contains { $0.snapshot != nil } }
}
