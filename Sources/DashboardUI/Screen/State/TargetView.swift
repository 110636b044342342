import Foundation
import MetricsClient
import MetricsWire

/// One watched metrics endpoint as the screen shows it: its name, connection, latest snapshot and what
/// was derived from the snapshots before it.
public struct TargetView: Sendable {
    /// Where the target came from.
    public enum Origin: String, Sendable {
        /// The engine running inside this process.
        case embedded
        /// Named with `--attach` or in the configuration file.
        case attached
        /// Found in the discovery folder of local proxies.
        case local
        /// A fleet read through Prometheus (`--prometheus`).
        case fleet
    }

    /// The endpoint, as `host:port`; unique among the targets.
    var id: String
    /// What rows call it: the server's name when known, else `id`.
    var name: String
    var origin: Origin
    /// How polling it is going.
    var connection: ConnectionStatus
    /// Set when a local proxy's discovery file went away or names a process that is gone: the target is
    /// shown as ended until it is dropped.
    var endedAt: Date?
    /// The newest snapshot; nil until the first poll answers.
    var snapshot: MetricsSnapshot?
    /// When `snapshot` arrived: in-flight calls' elapsed times tick on from it.
    var receivedAt: Date?
    /// Calls per second per tool over the rate window.
    var callRates: [String: Double]
    /// Recent figures per tool, oldest first.
    var history: [String: ToolHistory]
    /// Calls per second over all tools in the rate window; nil before two snapshots.
    var totalCallsPerSecond: Double?
    /// Hit rate (0–100) of each cache over the last interval; absent when the cache saw no lookups.
    var intervalHitRates: [String: Double]
    /// Upload speed in bytes per second per upload id.
    var uploadRates: [String: Double]

    /// Creates a target; everything but its identity has an empty default.
    init(
        id: String,
        name: String? = nil,
        origin: Origin = .attached,
        connection: ConnectionStatus = .connecting,
        endedAt: Date? = nil,
        snapshot: MetricsSnapshot? = nil,
        receivedAt: Date? = nil,
        callRates: [String: Double] = [:],
        history: [String: ToolHistory] = [:],
        totalCallsPerSecond: Double? = nil,
        intervalHitRates: [String: Double] = [:],
        uploadRates: [String: Double] = [:]
    ) {
        self.id = id
        self.name = name ?? id
        self.origin = origin
        self.connection = connection
        self.endedAt = endedAt
        self.snapshot = snapshot
        self.receivedAt = receivedAt
        self.callRates = callRates
        self.history = history
        self.totalCallsPerSecond = totalCallsPerSecond
        self.intervalHitRates = intervalHitRates
        self.uploadRates = uploadRates
    }

    /// Whether the target has ended (a local proxy that exited).
    var hasEnded: Bool { endedAt != nil }

    /// Whether the target has a control API for `u` and `r`: only engines of this project say who they
    /// are (`engine`); a server without it (the Python original's) serves metrics and nothing else.
    var hasControlAPI: Bool { origin != .fleet && (snapshot.map { $0.engine != nil } ?? true) }

    /// Whether every tool with at least `minimumSamples` window samples reports p50 = p95 = p99 (and at
    /// least one does): such a server's percentiles are not computed over its window.
    func percentilesLookConstant(minimumSamples: Int = 20) -> Bool {
        guard let tools = snapshot?.toolMetrics.values else { return false }
        var sampled = 0
        for tool in tools where (tool.windowSamples ?? tool.totalCalls) >= minimumSamples {
            guard tool.p50LatencyMs == tool.p95LatencyMs, tool.p95LatencyMs == tool.p99LatencyMs else { return false }
            sampled += 1
        }
        return sampled > 0
    }
}

/// A tool's recent figures, one point per snapshot, oldest first (the rate series may be shorter).
struct ToolHistory: Sendable, Equatable {
    /// Seconds since 1970 at which each point's snapshot arrived.
    var time: [Double] = []
    var p50: [Double] = []
    var p95: [Double] = []
    var p99: [Double] = []
    /// Total calls as reported at each point.
    var calls: [Double] = []
    /// Failed calls as reported at each point.
    var failed: [Double] = []
    /// Calls per second between consecutive snapshots.
    var callRate: [Double] = []

    /// The series of `series`, copied out for the screen.
    init(_ series: MetricsHistory.ToolSeries) {
        time = series.time.values
        p50 = series.p50LatencyMs.values
        p95 = series.p95LatencyMs.values
        p99 = series.p99LatencyMs.values
        calls = series.totalCalls.values
        failed = series.failedCalls.values
        callRate = series.callsPerSecond.values
    }

    /// An empty history, or one made of the given series.
    init(p95: [Double] = [], callRate: [Double] = []) {
        self.p95 = p95
        self.callRate = callRate
    }

    /// How many of `counts` were added between consecutive points (0 across a counter reset).
    static func increments(_ counts: [Double]) -> [Double] {
        zip(counts, counts.dropFirst()).map { max(0, $1 - $0) }
    }
}
