import Foundation
import MetricsClient

/// Everything one frame of the dashboard shows: the latest snapshot, what the poller derived from the
/// snapshots before it, the connection's health, and the user's view settings.
///
/// A plain value: the poller and the key handler fill it in, `render(_:size:)` draws it.
struct DashboardState: Sendable {
    /// The newest snapshot; nil until the first poll answers.
    var snapshot: MetricsSnapshot?
    /// Embedded engine or attached to another.
    var mode: DashboardMode
    /// The metrics endpoint watched, as `host:port`.
    var target: String
    /// How polling is going.
    var connection: ConnectionStatus
    /// Calls per second per tool over the last interval.
    var callRates: [String: Double]
    /// Recent calls-per-second values per tool, oldest first.
    var callRateHistory: [String: [Double]]
    /// Recent p95 latencies in milliseconds per tool, oldest first: the latency table's sparkline.
    var p95History: [String: [Double]]
    /// Calls per second over all tools in the last interval; nil before two snapshots.
    var totalCallsPerSecond: Double?
    /// Hit rate (0–100) of each cache over the last interval; absent when the cache saw no lookups.
    var intervalHitRates: [String: Double]
    /// Upload speed in bytes per second per upload id, over the last interval.
    var uploadRates: [String: Double]
    /// Seconds between polls, shown in the footer.
    var refreshInterval: Double
    /// Latencies above which p95/p99 turn yellow and red.
    var thresholds: LatencyThresholds
    /// The user's view settings.
    var ui: UIState
    /// The time the header's clock shows.
    var now: Date
    /// The time zone of the header's clock.
    var clockZone: ClockZone

    /// Creates a state; everything but what a test or the poller cares about has a default.
    init(
        snapshot: MetricsSnapshot? = nil,
        mode: DashboardMode = .embedded,
        target: String = "127.0.0.1:9109",
        connection: ConnectionStatus = .connecting,
        callRates: [String: Double] = [:],
        callRateHistory: [String: [Double]] = [:],
        p95History: [String: [Double]] = [:],
        totalCallsPerSecond: Double? = nil,
        intervalHitRates: [String: Double] = [:],
        uploadRates: [String: Double] = [:],
        refreshInterval: Double = 1,
        thresholds: LatencyThresholds = LatencyThresholds(),
        ui: UIState = UIState(),
        now: Date = Date(),
        clockZone: ClockZone = .local
    ) {
        self.snapshot = snapshot
        self.mode = mode
        self.target = target
        self.connection = connection
        self.callRates = callRates
        self.callRateHistory = callRateHistory
        self.p95History = p95History
        self.totalCallsPerSecond = totalCallsPerSecond
        self.intervalHitRates = intervalHitRates
        self.uploadRates = uploadRates
        self.refreshInterval = refreshInterval
        self.thresholds = thresholds
        self.ui = ui
        self.now = now
        self.clockZone = clockZone
    }

    /// What empty panes say before any snapshot arrived.
    var noDataMessage: String {
        connection == .connecting ? "waiting for the first snapshot…" : "no data yet (\(connection.headerText))"
    }
}
